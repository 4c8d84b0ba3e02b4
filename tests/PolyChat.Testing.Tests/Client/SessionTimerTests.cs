using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Streaming;
using PolyChat.Protocol.Tests;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>
/// What an idle session costs in timer work (ours, for thousands of sessions per process): it wakes for its
/// heartbeat (§3b <c>heartbeat_interval_seconds</c>) and for nothing else; the gap watch runs only while events wait
/// behind a hole.
/// </summary>
public sealed class SessionTimerTests
{
    private const string Heartbeat = "EVENT_TYPE_HEARTBEAT";

    // A gap repair this far out leaves a hole to the sequencer's own timeout.
    private static readonly TimeSpan FarOut = TimeSpan.FromHours(1);

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
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var time = new CountingTimeProvider(clock);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, time));
        await Waits.UntilAsync(() => client.Events.Count == 3, "the history and the typing frame");
        var connection = await server.WaitForConnectionAsync(1);
        var before = time.Fired;

        for (var step = 0; step < 60; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(1);
        }

        // Ten idle minutes: 20 heartbeats of 30 s after the connect heartbeat, and no other timer callback.
        await Waits.UntilAsync(() => connection.ReceivedTypes.Count(type => type == Heartbeat) == 21, "20 heartbeats");
        Assert.Equal(20, time.Fired - before);
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
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var time = new CountingTimeProvider(clock);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, time));

        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(100), () => client.Count<PolyAgentMessageEvent>() == 2, "the repaired hole", TimeSpan.FromSeconds(10));
        await Waits.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the end of the replay");
        Assert.Equal([1L, 2, 3, 4], client.Events.Where(e => e.Sequence is not null).Select(e => e.Sequence!.Value).ToArray());
        Assert.Equal(2, server.Connections[1].Cursor);

        // It woke once: one repair reconnect, and the typing frame on it (read above) comes after any second one.
        Assert.Equal(2, server.Connections.Count);

        var before = time.Fired;
        for (var step = 0; step < 60; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(1);
        }

        // Heartbeats are off (interval 0) and nothing is held: ten minutes without a single timer callback.
        Assert.Equal(0, time.Fired - before);
    }

    [Fact]
    public async Task TheSessionsClockRunsTheSequencersGapTimeoutEvenWhenSequencingIsConfigured()
    {
        // Ours (SessionOptions.TimeProvider is the one clock): SequencerOptions set without a clock of their own
        // still time out on the session's clock. GapReconnectDelay is set far out so the timeout acts first.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.AgentMessage(4, "after the hole"));
            await connection.SendAsync(ServerFrames.Typing(1));
            var message = await connection.WaitForTypeAsync("EVENT_TYPE_USER_MESSAGE");
            await connection.SendAsync(ServerFrames.UserMessageEcho(5, "go", ScriptedConnection.ClientEventIdOf(message)!));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, gapReconnectDelay: FarOut, sequencing: new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(2) }));
        var gaps = new System.Collections.Concurrent.ConcurrentQueue<SequenceGap>();
        client.Session.GapDeclared += (_, gap) => gaps.Enqueue(gap);

        // The typing frame came after event 4, so 4 is held behind the missing 3 by now.
        await Waits.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the typing frame");
        clock.Advance(TimeSpan.FromSeconds(3));
        await client.Session.SendMessageAsync("go");

        // The next frame finds 4 held for 3 s of the session's clock: the gap is declared, 4 and 5 follow.
        await Waits.UntilAsync(() => client.Count<UserMessageEvent>() == 1, "the echo after the declared gap");
        var gap = Assert.Single(gaps);
        Assert.Equal((3L, 3L, GapReason.Timeout), (gap.FirstMissing, gap.LastMissing, gap.Reason));
        Assert.Equal([1L, 2, 4, 5], client.Events.Where(e => e.Sequence is not null).Select(e => e.Sequence!.Value).ToArray());
    }

    [Fact]
    public async Task TheSessionsClockRunsTheRetriesEvenWhenDeliveryIsConfigured()
    {
        // §2: with no echo the message is re-sent after the retry delay. Ours: on the session's clock, although
        // DeliveryOptions were set without one (an hour-long delay, so the real clock cannot fire it here).
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.Typing(1));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, gapReconnectDelay: FarOut, delivery: new DeliveryOptions { RetryDelay = TimeSpan.FromHours(1) }));
        await Waits.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the end of the history");
        var connection = await server.WaitForConnectionAsync(1);

        var message = await client.Session.SendMessageAsync("no echo comes");
        await Waits.UntilAsync(() => connection.ReceivedTypes.Count(type => type == "EVENT_TYPE_USER_MESSAGE") == 1, "the first attempt");
        clock.Advance(TimeSpan.FromHours(1));

        await Waits.UntilAsync(() => connection.ReceivedTypes.Count(type => type == "EVENT_TYPE_USER_MESSAGE") == 2, "the retry");
        Assert.All(connection.Received.Where(frame => ScriptedConnection.TypeOf(frame) == "EVENT_TYPE_USER_MESSAGE"),
            frame => Assert.Equal(message.ClientEventId, ScriptedConnection.ClientEventIdOf(frame)));
        Assert.Equal(2, message.Attempts);
    }

    [Fact]
    public async Task TheSessionsClockRunsTheStreamTimeoutEvenWhenStreamingIsConfigured()
    {
        // §3 (chunks until is_complete) with an incomplete reply. Ours: StreamAssemblyOptions set without a clock
        // time out on the session's clock (an hour, so the real clock cannot do it here).
        const string Chunk = "{\"message_id\":\"m1\",\"chunk_index\":1,\"text\":\"Hel\",\"is_complete\":false}";
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.Event(3, "EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK", Chunk));
            await connection.SendAsync(ServerFrames.Typing(1));
            var message = await connection.WaitForTypeAsync("EVENT_TYPE_USER_MESSAGE");
            await connection.SendAsync(ServerFrames.UserMessageEcho(4, "go", ScriptedConnection.ClientEventIdOf(message)!));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, gapReconnectDelay: FarOut, streaming: new StreamAssemblyOptions { IncompleteTimeout = TimeSpan.FromHours(1) }));
        var abandoned = new System.Collections.Concurrent.ConcurrentQueue<AbandonedMessage>();
        client.Session.MessageAbandoned += (_, message) => abandoned.Enqueue(message);
        // The app sees a chunk before the session files it; the typing frame after it is seen only once it is filed.
        await Waits.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the frame after the first chunk");

        clock.Advance(TimeSpan.FromHours(1));
        await client.Session.SendMessageAsync("go");
        await Waits.UntilAsync(() => client.Count<UserMessageEvent>() == 1, "the echo");
        await Waits.UntilAsync(() => !abandoned.IsEmpty, "the abandoned reply");
        var reply = Assert.Single(abandoned);
        Assert.Equal((AbandonReason.Timeout, "Hel"), (reply.Reason, reply.Message.Text));
    }
}
