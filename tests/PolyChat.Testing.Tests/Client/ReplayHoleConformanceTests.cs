using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>
/// §1b: the docs promise only that <c>sequence</c> increases, not that it has no holes; §4b: a reconnect replays
/// everything after the cursor. So once a replay has been processed, a sequence it lacks does not exist: the client
/// moves past it without another reconnect (our rule, from those two facts).
/// </summary>
public sealed class ReplayHoleConformanceTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    // The fake clock moves on while the client connects in real time, so a loaded machine costs fake seconds: the
    // bound per event is generous. The sequencer's own gap timeout is pushed out of the way, so that only the replay
    // can settle a hole.
    private static readonly TimeSpan PerEvent = TimeSpan.FromSeconds(30);
    private static readonly SequencerOptions ReplayOnly = new() { GapTimeout = TimeSpan.FromHours(1) };
    private static readonly TimeSpan LongQuiet = TimeSpan.FromHours(1);

    [Fact]
    public async Task AHoleCostsOneReconnectThenTheEventIsDeliveredAndNothingMoreHappens()
    {
        var live = ServerFrames.AgentMessage(6, "after a hole");
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
                await connection.SendAsync(live);
            }
            else
            {
                // The replay after the cursor: 3, 4 and 5 were never assigned. Then live traffic, which ends the
                // history at once (the fake clock may run ahead of a loaded machine, so no quiet period is relied on).
                await connection.SendAsync(ServerFrames.Batch(live));
                await connection.SendAsync(ServerFrames.Typing(connection.Index));
            }
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, sequencing: ReplayOnly, historyQuietPeriod: LongQuiet));
        var gaps = new ConcurrentQueue<SequenceGap>();
        client.Session.GapDeclared += (_, gap) => gaps.Enqueue(gap);

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Count<PolyAgentMessageEvent>() == 1, "the event after the hole", PerEvent);

        Assert.Equal(2, server.Connections.Count);
        Assert.Equal(2, server.Connections[1].Cursor);
        Assert.Equal(3, client.Session.SkippedSequences);
        Assert.Equal(6, client.Session.Cursor);
        Assert.Empty(gaps);

        // A minute later: no further repair.
        var before = clock.GetUtcNow();
        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromSeconds(1), () => clock.GetUtcNow() - before >= TimeSpan.FromMinutes(1), "a quiet minute");
        Assert.Equal(2, server.Connections.Count);
        Assert.Equal(1, client.Count<PolyAgentMessageEvent>());
    }

    [Fact]
    public async Task HolesInTheFirstReplayAreSkippedWithoutAnyReconnect()
    {
        // §4a: the history on connect is complete, so its holes are settled when it ends.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(4), ServerFrames.AgentMessage(9, "Hi")));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, sequencing: ReplayOnly));

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Count<PolyAgentMessageEvent>() == 1, "the history after its quiet period", PerEvent);

        // Past any gap repair and its backoff: a typing frame still goes out on the first connection (the barrier).
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(await client.Session.SendTypingAsync(true));
        await server.Connections[0].WaitForTypeAsync("EVENT_TYPE_USER_TYPING");
        Assert.Single(server.Connections);
        Assert.Equal(6, client.Session.SkippedSequences);
        Assert.Equal(["EVENT_TYPE_SESSION_START", "EVENT_TYPE_POLY_AGENT_JOINED", "EVENT_TYPE_POLY_AGENT_MESSAGE"], client.Events.Select(e => e.Type.Value));
    }

    [Fact]
    public async Task AServerThatSkipsEveryOtherNumberCostsAtMostOneReconnectPerHoleAndDeliveryGoesOn()
    {
        // Only odd sequences exist. Each live event above a hole waits at most the hold time, one repair and the
        // replay's quiet period: never a reconnect storm, never a stall.
        const int LiveEvents = 5;
        var published = new ConcurrentQueue<(long Sequence, string Json)>();
        published.Enqueue((1, ServerFrames.SessionStart(1)));
        published.Enqueue((3, ServerFrames.AgentJoined(3)));
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            var replay = published.Where(e => e.Sequence > connection.Cursor).Select(e => e.Json).ToArray();
            await connection.SendAsync(ServerFrames.Batch(replay));
            await connection.SendAsync(ServerFrames.Typing(connection.Index));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, sequencing: ReplayOnly, historyQuietPeriod: LongQuiet));
        var gaps = new ConcurrentQueue<SequenceGap>();
        client.Session.GapDeclared += (_, gap) => gaps.Enqueue(gap);
        await Waits.AdvanceUntilAsync(clock, Step, () => client.Count<PolyAgentJoinedEvent>() == 1, "the history", PerEvent);

        for (var k = 1; k <= LiveEvents; k++)
        {
            var sequence = 3 + (2 * k);
            var json = ServerFrames.AgentMessage(sequence, "odd " + sequence);
            published.Enqueue((sequence, json));
            await server.Connections[^1].SendAsync(json);
            var expected = k;
            await Waits.AdvanceUntilAsync(clock, Step, () => client.Count<PolyAgentMessageEvent>() == expected, $"event {sequence}", PerEvent);
        }

        var reconnects = server.Connections.Count - 1;
        var holes = LiveEvents + 1;
        Assert.InRange(reconnects, 1, LiveEvents);
        Assert.True(reconnects <= holes, $"{reconnects} reconnects for {holes} holes");
        Assert.Equal(holes, client.Session.SkippedSequences);
        Assert.Equal(3 + (2 * LiveEvents), client.Session.Cursor);
        Assert.Empty(gaps);
        Assert.Equal(
            Enumerable.Range(1, LiveEvents).Select(k => "odd " + (3 + (2 * k))),
            client.Events.OfType<PolyAgentMessageEvent>().Select(e => e.Payload.Text));

        var settled = server.Connections.Count;
        var before = clock.GetUtcNow();
        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromSeconds(1), () => clock.GetUtcNow() - before >= TimeSpan.FromMinutes(1), "a quiet minute");
        Assert.Equal(settled, server.Connections.Count);
    }
}
