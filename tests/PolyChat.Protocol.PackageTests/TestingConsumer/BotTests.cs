using PolyChat.Testing;
using Xunit;

// The README's example, verbatim.
public class BotTests
{
    [Fact]
    public async Task BotRelaysTheAgentsAnswer()
    {
        await using var simulator = await PolyAiSimulator.StartAsync(new SimulatorOptions
        {
            ScriptedAgent = new() { Reply = text => $"Order {text} ships tomorrow" },
            Behavior = ServerBehavior.AbruptDrops,
        });

        var answer = await MyBot.AskAsync(await simulator.CreateSessionAsync(), "A-17");

        Assert.Equal("Order A-17 ships tomorrow", answer);
        Assert.All(simulator.Sessions.Single().ReceivedFrames, frame => Assert.Null(frame.Error));
    }
}
