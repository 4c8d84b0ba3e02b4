using System;
using System.Linq;
using System.Net.WebSockets;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
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

    [Fact]
    public async Task IdleSessionIsClosedAndJournalsUserAbandoned()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-05-20T09:15:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { TimeProvider = time, IdleTimeout = TimeSpan.FromMinutes(10) });
        var (token, sessionId) = await harness.NewSessionAsync();
        await using (var socket = await harness.ConnectAsync(sessionId, token))
        {
            await socket.ReceiveBatchAsync(harness.Token);
            await socket.SendAsync(Frames.Heartbeat, harness.Token);
            await socket.ReceiveLiveAsync(harness.Token);

            time.Advance(TimeSpan.FromMinutes(9));
            await socket.SendAsync(Frames.Heartbeat, harness.Token);
            await socket.ReceiveLiveAsync(harness.Token);

            // Without the heartbeat's reset the session would have been abandoned at minute 10.
            time.Advance(TimeSpan.FromMinutes(9));
            await socket.SendAsync(Frames.Heartbeat, harness.Token);
            Assert.IsType<HeartbeatEvent>(await socket.ReceiveLiveAsync(harness.Token));

            time.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.ReceiveCloseAsync(harness.Token));
        }

        await using var reconnected = await harness.ConnectAsync(sessionId, token);
        var replay = await reconnected.ReceiveBatchAsync(harness.Token);
        var end = Assert.IsType<SessionEndEvent>(replay.Last());
        Assert.Equal(SessionEndReason.UserAbandoned, end.Payload.Reason);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await reconnected.ReceiveCloseAsync(harness.Token));
    }
}
