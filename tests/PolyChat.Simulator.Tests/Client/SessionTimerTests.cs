using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Events;
using PolyChat.Simulator.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Simulator.Tests.Client;

/// <summary>
/// What an idle session costs in timer work (ours, for thousands of sessions per process): it wakes for its
/// heartbeat (§3b <c>heartbeat_interval_seconds</c>) and for nothing else; the gap watch runs only while events wait
/// behind a hole.
/// </summary>
public sealed class SessionTimerTests
{
    private const string Heartbeat = "EVENT_TYPE_HEARTBEAT";

    [Fact]
    public async Task AnIdleSessionWakesOnlyForItsHeartbeat()
    {
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 30), ServerFrames.AgentJoined(2)));

            // A live frame ends the history at once (§4a), so the test needs no quiet period.
            await connection.SendAsync(ServerFrames.Typing(1));
        });
        var time = new CountingTimeProvider(new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, time));
        await Waits.UntilAsync(() => client.Events.Count == 3, "the history and the typing frame");
        var connection = await server.WaitForConnectionAsync(1);
        var before = time.Callbacks;

        for (var step = 0; step < 60; step++)
        {
            time.Clock.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(1);
        }

        // Ten idle minutes: 20 heartbeats of 30 s, and no other timer callback.
        await Waits.UntilAsync(() => connection.ReceivedTypes.Count(type => type == Heartbeat) == 20, "20 heartbeats");
        Assert.Equal(20, time.Callbacks - before);
    }

    [Fact]
    public async Task TheGapWatchWakesOnceForAHoleAndNotAfterTheRepair()
    {
        // §4b: a reconnect with the cursor replays what was lost; SessionOptions.GapReconnectDelay (1 s) is ours.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
                await connection.SendAsync(ServerFrames.AgentMessage(4, "after the hole"));
            }
            else
            {
                await connection.SendAsync(ServerFrames.Batch(ServerFrames.AgentMessage(3, "lost"), ServerFrames.AgentMessage(4, "after the hole")));
                await connection.SendAsync(ServerFrames.Typing(1));
            }
        });
        var time = new CountingTimeProvider(new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, time));

        await Waits.AdvanceUntilAsync(time.Clock, TimeSpan.FromMilliseconds(100), () => client.Count<PolyAgentMessageEvent>() == 2, "the repaired hole", TimeSpan.FromSeconds(10));
        await Waits.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the end of the replay");
        Assert.Equal([1L, 2, 3, 4], client.Events.Where(e => e.Sequence is not null).Select(e => e.Sequence!.Value).ToArray());
        Assert.Equal(2, server.Connections[1].Cursor);

        var before = time.Callbacks;
        for (var step = 0; step < 60; step++)
        {
            time.Clock.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(1);
        }

        // Heartbeats are off (interval 0) and nothing is held: ten minutes without a single timer callback.
        Assert.Equal(0, time.Callbacks - before);
    }
}
