using System.Net.WebSockets;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;
using PolyChat.Simulator.Tests.Support;
using Xunit;

namespace PolyChat.Simulator.Tests;

public sealed class SessionEndTests
{
    [Fact]
    public async Task UserEndSessionIsEchoedThenSessionEndThenClose1000()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await harness.NewSessionAsync();
        await using var socket = await harness.ConnectAsync(sessionId, token);
        await socket.ReceiveBatchAsync(harness.Token);

        await socket.SendAsync(Frames.EndSession, harness.Token);

        Assert.IsType<UserEndSessionEvent>(await socket.ReceiveLiveAsync(harness.Token));
        var end = Assert.IsType<SessionEndEvent>(await socket.ReceiveLiveAsync(harness.Token));
        Assert.Equal(SessionEndReason.UserEnd, end.Payload.Reason);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.ReceiveCloseAsync(harness.Token));
    }
}
