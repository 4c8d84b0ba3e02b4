using System;
using System.Linq;
using System.Threading.Tasks;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

public sealed class SessionLoggingTests
{
    [Fact]
    public async Task ConnectionsAndReconnectsAreLoggedWithoutTheToken()
    {
        var faults = new FaultOptions { Seed = 3, DropConnection = 0.2 };
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Faults = faults }, timeoutSeconds: 30);
        var (token, sessionId) = await ClientSessions.CreateAsync(harness);
        var logger = new Scripted.CapturingLogger();
        await using var session = await PolyChatSession.ConnectAsync(
            ClientSessions.Fast(harness.Simulator.WebSocketAddress, sessionId, token, logger: logger), harness.Token);

        var replies = 0;
        await foreach (var value in session.ReadEventsAsync(harness.Token))
        {
            if (value is PolyAgentMessageEvent && ++replies < 4)
            {
                await session.SendMessageAsync($"message {replies}");
            }
            else if (replies >= 4)
            {
                break;
            }
        }

        var lines = logger.Lines.ToList();
        Assert.Contains(lines, l => l.StartsWith("Information: Connected to session " + sessionId, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("reconnect attempt", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain(token.Value, l, StringComparison.Ordinal));
    }
}
