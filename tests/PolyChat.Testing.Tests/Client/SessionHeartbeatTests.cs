using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>The heartbeat follows <c>capabilities.heartbeat_interval_seconds</c>, on the session's clock.</summary>
public sealed class SessionHeartbeatTests
{
    [Fact]
    public async Task HeartbeatIsSentEveryIntervalFromTheCapabilities()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { HeartbeatIntervalSeconds = 20 });
        var (token, sessionId) = await ClientSessions.CreateAsync(harness);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var session = await PolyChatSession.ConnectAsync(
            new SessionOptions { WebSocketAddress = harness.Simulator.WebSocketAddress, SessionId = sessionId, AccessToken = token, TimeProvider = clock },
            harness.Token);

        var heartbeats = 0;
        var advanced = false;
        var greeted = false;

        // The join request waits for the end of the history (SessionOptions.HistoryQuietPeriod on this clock): move
        // the clock in small steps, far below the heartbeat interval, until the greeting arrives.
        var pump = Scripted.Waits.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(100), () => Volatile.Read(ref greeted), "the greeting", TimeSpan.FromSeconds(15));
        await foreach (var value in session.ReadEventsAsync(harness.Token))
        {
            if (value is PolyAgentMessageEvent && !advanced)
            {
                Volatile.Write(ref greeted, true);
                await pump;
                advanced = true;
                Assert.Equal(20, session.Capabilities!.HeartbeatIntervalSeconds);

                // Two intervals of 20 s give exactly two heartbeats; the 30 s default would give one, and the
                // loop below would then time out waiting for the second.
                clock.Advance(TimeSpan.FromSeconds(20));
                clock.Advance(TimeSpan.FromSeconds(20));
            }
            else if (value is HeartbeatEvent && advanced && ++heartbeats == 2)
            {
                break;
            }
        }

        // Exactly two from the timer: the server received the connect heartbeat and two more, and a typing frame sent
        // now (the barrier) arrives after any third one.
        Assert.Equal(2, heartbeats);
        Assert.True(await session.SendTypingAsync(true, harness.Token));
        var frames = harness.Simulator.GetSession(sessionId);
        await Scripted.Waits.UntilAsync(() => frames.ReceivedFrames.Any(f => f.Type == "EVENT_TYPE_USER_TYPING"), "the typing barrier");
        Assert.Equal(3, frames.ReceivedFrames.Count(f => f.Type == "EVENT_TYPE_HEARTBEAT"));
        Assert.Equal(0, session.Deliveries.PendingCount);
    }
}
