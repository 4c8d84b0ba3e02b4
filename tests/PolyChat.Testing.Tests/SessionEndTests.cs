using System;
using System.Net.WebSockets;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests;

public sealed class SessionEndTests
{
    [Fact]
    public async Task UserEndSessionIsEchoedThenSessionEndThenClose1000()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await harness.ConnectNewAsync();

        await socket.SendAsync(Frames.EndSession, harness.Token);

        Assert.IsType<UserEndSessionEvent>(await socket.ReceiveLiveAsync(harness.Token));
        var end = Assert.IsType<SessionEndEvent>(await socket.ReceiveLiveAsync(harness.Token));
        Assert.Equal(SessionEndReason.UserEnd, end.Payload.Reason);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.ReceiveCloseAsync(harness.Token));
    }

    [Fact]
    public async Task AFrameAfterTheEndDoesNotCutOffSessionEndOrTheClose()
    {
        // Every live event waits a little, so the heartbeat's error is queued behind the close: it must be
        // dropped, not abort the socket before SESSION_END and the 1000 close are sent.
        var faults = new FaultOptions { Seed = 1, DelayEvent = 1, MaxDelay = TimeSpan.FromMilliseconds(100) };
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Faults = faults });
        await using var socket = await harness.ConnectNewAsync();

        await socket.SendAsync(Frames.EndSession, harness.Token);
        await socket.SendAsync(Frames.Heartbeat, harness.Token);

        Assert.IsType<UserEndSessionEvent>(await socket.ReceiveLiveAsync(harness.Token));
        Assert.IsType<SessionEndEvent>(await socket.ReceiveLiveAsync(harness.Token));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.ReceiveCloseAsync(harness.Token));
    }
}
