using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>
/// What the README promises about a session and no other test pinned: the typing frame, the heartbeat's two edge
/// cases (0 and absent), a gap declared on the session, and backpressure. Against a scripted server.
/// </summary>
public sealed class SessionPromiseTests
{
    private const string Heartbeat = "EVENT_TYPE_HEARTBEAT";
    private const string Typing = "EVENT_TYPE_USER_TYPING";

    [Theory]
    [InlineData(true, "TYPING_STATE_STARTED")]
    [InlineData(false, "TYPING_STATE_STOPPED")]
    public async Task SendTypingSendsExactlyTheTypingFrameWithoutServerFields(bool typing, string state)
    {
        // §2: EVENT_TYPE_USER_TYPING with payload.state STARTED | STOPPED. §1a: id, sequence and timestamp are the
        // server's; a client frame must not contain them.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        var connection = await server.WaitForConnectionAsync(1);
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");

        await client.Session.SendTypingAsync(typing);

        var frame = await connection.WaitForTypeAsync(Typing);
        using var document = JsonDocument.Parse(frame);
        var root = document.RootElement;
        Assert.Equal(["type", "payload"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Typing, root.GetProperty("type").GetString());
        var payload = root.GetProperty("payload");
        Assert.Equal(["state"], payload.EnumerateObject().Select(p => p.Name));
        Assert.Equal(state, payload.GetProperty("state").GetString());
        Assert.False(root.TryGetProperty("id", out _));
        Assert.False(root.TryGetProperty("sequence", out _));
        Assert.False(root.TryGetProperty("timestamp", out _));
    }

    [Fact]
    public async Task AHeartbeatIntervalOfZeroSendsNoHeartbeat()
    {
        // §3b [SDK]: heartbeat_interval_seconds 0 turns heartbeats off. The live AGENT_MESSAGE ends the history at
        // once, so no quiet period needs the clock.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.AgentMessage(3, "Hello"));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        var connection = await server.WaitForConnectionAsync(1);
        await Waits.UntilAsync(() => client.Count<PolyAgentMessageEvent>() == 1, "the live message");
        Assert.Equal(0, client.Session.Capabilities!.HeartbeatIntervalSeconds);

        // Ten minutes in 10 s steps: 20 times the default interval.
        for (var i = 0; i < 60; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
        }

        // A frame sent after the advances is the barrier: a heartbeat the timers fired would be ahead of it. The one
        // heartbeat there is the connect heartbeat, the first frame, which marks the end of the replay.
        Assert.True(await client.Session.SendTypingAsync(true));
        await connection.WaitForTypeAsync(Typing);
        Assert.Equal([Heartbeat, Typing], connection.ReceivedTypes);
    }

    [Fact]
    public async Task WithoutAHeartbeatIntervalTheHeartbeatGoesEvery30Seconds()
    {
        // §5f and §2: every heartbeat_interval_seconds, "30 s when not given". The capabilities here lack the field.
        const string startWithoutHeartbeat =
            "{\"id\":\"0190a3f1-0000-7000-8000-000000000001\",\"sequence\":1,\"timestamp\":\"2026-05-20T09:15:02Z\",\"type\":\"EVENT_TYPE_SESSION_START\","
            + "\"payload\":{\"capabilities\":{\"streaming\":false,\"max_message_size_bytes\":131072,\"max_reconnect_attempts\":5}}}";
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(startWithoutHeartbeat, ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.AgentMessage(3, "Hello"));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        var connection = await server.WaitForConnectionAsync(1);
        await Waits.UntilAsync(() => client.Count<PolyAgentMessageEvent>() == 1, "the live message");
        Assert.NotNull(client.Session.Capabilities);

        // Each count is taken behind a typing frame sent after the advance (see above).
        Assert.Equal(0, await HeartbeatsAfterAsync(TimeSpan.FromSeconds(29)));
        Assert.Equal(1, await HeartbeatsAfterAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(1, await HeartbeatsAfterAsync(TimeSpan.FromSeconds(29)));
        Assert.Equal(2, await HeartbeatsAfterAsync(TimeSpan.FromSeconds(1)));

        async Task<int> HeartbeatsAfterAsync(TimeSpan advance)
        {
            clock.Advance(advance);
            var typingBefore = connection.ReceivedTypes.Count(type => type == Typing);
            await client.Session.SendTypingAsync(true);
            await Waits.UntilAsync(() => connection.ReceivedTypes.Count(type => type == Typing) == typingBefore + 1, "the typing barrier");
            // Less the connect heartbeat (the first frame), which is not the timer's.
            return connection.ReceivedTypes.Count(type => type == Heartbeat) - 1;
        }
    }

    [Fact]
    public async Task AHoleThatOverflowsTheHoldLimitRaisesGapDeclaredOnTheSession()
    {
        // Our rule (PolyChatSession.GapDeclared, SequencerOptions.MaxHeldEvents): events wait behind a missing
        // sequence (§4b: sort by sequence) only up to the hold limit; one more declares the hole lost, raises
        // GapDeclared once with its bounds, and delivers the held events in order. No replay vouched for the hole,
        // so it is a loss, not a skipped number.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
            foreach (var sequence in new long[] { 4, 5, 6 })
            {
                await connection.SendAsync(ServerFrames.AgentMessage(sequence, "m" + sequence));
            }
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = ScriptedClient.Options(server, clock, sequencing: new SequencerOptions { MaxHeldEvents = 2 });
        using var cap = new CancellationTokenSource(Waits.Cap);
        await using var session = await PolyChatSession.ConnectAsync(options, cap.Token);
        var gaps = new ConcurrentQueue<SequenceGap>();
        session.GapDeclared += (_, gap) => gaps.Enqueue(gap);

        var sequences = new List<long>();
        await foreach (var value in session.ReadEventsAsync(cap.Token))
        {
            sequences.Add(value.Sequence!.Value);
            if (sequences.Count == 5)
            {
                break;
            }
        }

        Assert.Equal([1L, 2, 4, 5, 6], sequences);
        var declared = Assert.Single(gaps);
        Assert.Equal(3, declared.FirstMissing);
        Assert.Equal(3, declared.LastMissing);
        Assert.Equal(GapReason.HeldLimit, declared.Reason);
        Assert.Equal(0, session.SkippedSequences);
        Assert.Equal(6, session.Cursor);
    }

    [Fact]
    public async Task AnApplicationThatDoesNotReadPausesTheReceiveLoopAndLosesNothing()
    {
        // Our rule (PolyChatSession remarks, SessionOptions.EventBufferCapacity): once the buffer holds its capacity,
        // the receive loop waits for the application, and the server's frames wait in the socket; none is lost.
        // Observed through Cursor, which moves when the loop takes an event off the socket, before it waits for room:
        // with capacity 4 and nothing read, events 1-4 fill the buffer and event 5 waits, so Cursor stays at 5
        // although the server has sent all 52.
        const int Capacity = 4;
        const int Last = 52;
        var allSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
            for (long sequence = 3; sequence <= Last; sequence++)
            {
                await connection.SendAsync(ServerFrames.AgentMessage(sequence, "m" + sequence));
            }

            allSent.SetResult();
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var scripted = ScriptedClient.Options(server, clock);
        var options = new SessionOptions
        {
            WebSocketAddress = scripted.WebSocketAddress,
            SessionId = scripted.SessionId,
            AccessToken = scripted.AccessToken,
            TimeProvider = clock,
            HistoryQuietPeriod = scripted.HistoryQuietPeriod,
            Jitter = scripted.Jitter,
            EventBufferCapacity = Capacity,
        };
        using var cap = new CancellationTokenSource(Waits.Cap);
        await using var session = await PolyChatSession.ConnectAsync(options, cap.Token);
        await using var reader = session.ReadEventsAsync(cap.Token).GetAsyncEnumerator(cap.Token);

        // 50 live frames of about 250 bytes each fit in the socket buffers, so the server's sends complete.
        await allSent.Task.WaitAsync(Waits.Cap);
        await Waits.UntilAsync(() => session.Cursor == Capacity + 1, "the buffer to fill");

        // Paused, not merely slow: with every frame in the socket, the loop stays there. Nothing can signal that nothing
        // more happened, so this one check gives it real time to go wrong.
        await Task.Delay(200);
        Assert.Equal(Capacity + 1, session.Cursor);

        // Reading one event makes room for one more, and the loop takes exactly one more frame.
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal(1, reader.Current.Sequence);
        await Waits.UntilAsync(() => session.Cursor == Capacity + 2, "one more frame");
        Assert.Equal(Capacity + 2, session.Cursor);

        var sequences = new List<long> { 1 };
        while (sequences.Count < Last && await reader.MoveNextAsync())
        {
            sequences.Add(reader.Current.Sequence!.Value);
        }

        Assert.Equal(Enumerable.Range(1, Last).Select(n => (long)n), sequences);
        Assert.Equal(Last, session.Cursor);
    }
}
