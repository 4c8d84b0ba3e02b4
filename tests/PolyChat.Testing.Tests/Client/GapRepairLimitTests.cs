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
/// At most one repair per hole (README "Holes in the numbering"): events held behind a missing sequence for
/// <c>GapReconnectDelay</c> (1 s) make the session reconnect once with its cursor (§4b). When that repair's replay
/// holds the event, the numbers below it that it lacks were never assigned: they are skipped. When it brings no batch,
/// or an empty one, and the held event simply comes again live, the session must not reconnect again for the same
/// hole: it is declared lost (<see cref="GapReason.RepairFailed"/>) and the event delivered.
/// </summary>
public sealed class GapRepairLimitTests
{
    // 2^53: the first integer a JSON number in a double can no longer tell from its neighbour; a server counter this
    // high makes a hole of 2^53 - 2 numbers.
    private const long Far = 1L << 53;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(40);

    private static readonly string Live = ServerFrames.AgentMessage(Far, "far ahead");

    [Fact]
    public async Task ARepairThatBringsNoBatchIsNotRepeatedAndTheHoleIsDeclaredLost()
    {
        // Every connection, the repair included, brings no batch: just the live event (again).
        var (server, client, gaps) = await RunForFortySecondsAsync(connection => connection.Index == 0
            ? [ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 30)), Live]
            : [Live]);
        await using var stop = server;
        await using var guard = Soon.Quietly(client);

        Assert.Equal(2, server.Connections.Count);
        Assert.Equal(1, server.Connections[1].Cursor);
        await Soon.UntilAsync(() => client.Count<PolyAgentMessageEvent>() == 1, "the held event");
        var gap = Assert.Single(gaps);
        Assert.Equal((2L, Far - 1, GapReason.RepairFailed), (gap.FirstMissing, gap.LastMissing, gap.Reason));
        Assert.Equal(0, client.Session.SkippedSequences);
        Assert.Equal(Far, client.Session.Cursor);
        Assert.Equal(["EVENT_TYPE_SESSION_START", "EVENT_TYPE_POLY_AGENT_MESSAGE"], client.Events.Where(e => e.Sequence is not null).Select(e => e.Type.Value));
    }

    [Fact]
    public async Task ARepairWhoseReplayHoldsTheEventSkipsTheHoleWithOneReconnect()
    {
        // §4b: the replay after the cursor holds every event the server has, oldest first; numbers below the highest one
        // it holds that it lacks were never assigned, so they are skipped and counted, not declared lost.
        var (server, client, gaps) = await RunForFortySecondsAsync(connection => connection.Index == 0
            ? [ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 30)), Live]
            : [ServerFrames.Batch(Live)]);
        await using var stop = server;
        await using var guard = Soon.Quietly(client);

        Assert.Equal(2, server.Connections.Count);
        await Soon.UntilAsync(() => client.Count<PolyAgentMessageEvent>() == 1, "the held event");
        Assert.Equal(Far - 2, client.Session.SkippedSequences);
        Assert.Empty(gaps);
        Assert.Equal(Far, client.Session.Cursor);
    }

    [Fact]
    public async Task ARepairThatBringsAnEmptyBatchDeclaresTheHoleLostWithOneReconnect()
    {
        // An empty replay vouches for nothing (it holds no sequence to vouch below), yet the repair was made: the hole
        // is declared lost rather than asked for again.
        var (server, client, gaps) = await RunForFortySecondsAsync(connection => connection.Index == 0
            ? [ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 30)), Live]
            : [ServerFrames.Batch(), Live]);
        await using var stop = server;
        await using var guard = Soon.Quietly(client);

        Assert.Equal(2, server.Connections.Count);
        await Soon.UntilAsync(() => client.Count<PolyAgentMessageEvent>() == 1, "the held event");
        var gap = Assert.Single(gaps);
        Assert.Equal((2L, Far - 1, GapReason.RepairFailed), (gap.FirstMissing, gap.LastMissing, gap.Reason));
        Assert.Equal(0, client.Session.SkippedSequences);
        Assert.Equal(Far, client.Session.Cursor);
    }

    /// <summary>
    /// A server that echoes heartbeats and sends each connection the frames <paramref name="frames"/> gives it; a client
    /// on a fake clock, 40 s of which pass in 100 ms steps.
    /// </summary>
    private static async Task<(ScriptedServer Server, ScriptedClient Client, ConcurrentQueue<SequenceGap> Gaps)> RunForFortySecondsAsync(
        Func<ScriptedConnection, string[]> frames)
    {
        var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            _ = Soon.EchoHeartbeatsAsync(connection);
            foreach (var frame in frames(connection))
            {
                await connection.SendAsync(frame);
            }
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        var gaps = new ConcurrentQueue<SequenceGap>();
        client.Session.GapDeclared += (_, gap) => gaps.Enqueue(gap);
        await Soon.AdvanceAsync(clock, Window, Step);
        await Task.Delay(300);
        return (server, client, gaps);
    }
}
