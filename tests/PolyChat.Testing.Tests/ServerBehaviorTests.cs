using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Tasks;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests;

/// <summary>
/// Each open answer of <see cref="ServerBehavior"/> puts on the wire the shape it names, read from raw frames.
/// These answers are ours to vary: the docs leave each one open (PROTOCOL.md §4b, §5g, §7 "Unconfirmed").
/// </summary>
public sealed class ServerBehaviorTests
{
    [Fact]
    public async Task DefaultReplaysInOneBatchAndSendsAnEmptyBatchWhenNothingIsNew()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId, last) = await ConversationAsync(harness);

        var full = await ReplayAsync(harness, sessionId, token, cursor: 0);
        var none = await ReplayAsync(harness, sessionId, token, cursor: last);

        var batch = Assert.Single(full);
        Assert.Equal(harness.Simulator.GetSession(sessionId).Journal.Select(e => e.Id), batch.Select(e => e.Id));
        Assert.Empty(Assert.Single(none));
    }

    [Fact]
    public async Task SplitHistoryReplaysInSeveralBatchesOfRandomSizesThatTogetherAreTheHistory()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Behavior = ServerBehavior.SplitHistory with { Seed = 3 } });
        var (token, sessionId, _) = await ConversationAsync(harness);

        var batches = await ReplayAsync(harness, sessionId, token, cursor: 0);

        Assert.True(batches.Count > 1, $"{batches.Count} batch(es)");
        Assert.All(batches, b => Assert.InRange(b.Count, 1, ServerBehavior.SplitHistory.MaxBatchSize));
        Assert.True(batches.Select(b => b.Count).Distinct().Count() > 1, "Batch sizes should vary.");
        Assert.Equal(harness.Simulator.GetSession(sessionId).Journal.Select(e => e.Id), batches.SelectMany(b => b).Select(e => e.Id));
    }

    [Fact]
    public async Task NoEmptyBatchSendsNoBatchWhenNothingIsNewerThanTheCursor()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Behavior = ServerBehavior.NoEmptyBatch });
        var (token, sessionId, last) = await ConversationAsync(harness);

        Assert.Empty(await ReplayAsync(harness, sessionId, token, cursor: last));
        Assert.NotEmpty(Assert.Single(await ReplayAsync(harness, sessionId, token, cursor: last - 1)));
    }

    [Fact]
    public async Task RepeatSessionStartPutsTheOriginalSessionStartAtTheHeadOfACursorReplay()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Behavior = ServerBehavior.RepeatSessionStart });
        var (token, sessionId, last) = await ConversationAsync(harness);
        var journal = harness.Simulator.GetSession(sessionId).Journal;

        var none = Assert.Single(await ReplayAsync(harness, sessionId, token, cursor: last));
        var some = Assert.Single(await ReplayAsync(harness, sessionId, token, cursor: last - 1));
        var full = Assert.Single(await ReplayAsync(harness, sessionId, token, cursor: 0));

        var start = Assert.Single(none);
        Assert.IsType<SessionStartEvent>(start);
        Assert.Equal((journal[0].Id, journal[0].Sequence), (start.Id, start.Sequence));
        Assert.Equal([journal[0].Id, journal[^1].Id], some.Select(e => e.Id));
        Assert.Equal(journal.Select(e => e.Id), full.Select(e => e.Id));
    }

    [Fact]
    public async Task SequenceHolesSkipNumbersButStayIncreasingAndACursorInAHoleReplaysFromTheNextEvent()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Behavior = ServerBehavior.SequenceHoles with { Seed = 1 } });
        var (token, sessionId, _) = await ConversationAsync(harness, messages: 3);
        var sequences = harness.Simulator.GetSession(sessionId).Journal.Select(e => e.Sequence!.Value).ToList();

        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        var hole = Enumerable.Range(1, sequences.Count - 1).First(i => sequences[i] > sequences[i - 1] + 1);
        var replay = Assert.Single(await ReplayAsync(harness, sessionId, token, cursor: sequences[hole] - 1));
        Assert.Equal(sequences[hole..], replay.Select(e => e.Sequence!.Value));
    }

    [Fact]
    public async Task DefaultSequencesAreContiguous()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (_, sessionId, _) = await ConversationAsync(harness, messages: 3);

        var sequences = harness.Simulator.GetSession(sessionId).Journal.Select(e => e.Sequence!.Value);

        Assert.Equal(Enumerable.Range(1, sequences.Count()).Select(i => (long)i), sequences);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ErrorSystemMessagesHaveASequenceOnlyWhenTheBehaviourSaysSo(bool sequenced)
    {
        var behavior = sequenced ? ServerBehavior.SequencedErrors : ServerBehavior.Default;
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Behavior = behavior });
        await using var socket = await harness.ConnectNewAsync();

        await socket.SendAsync("""{"type":"EVENT_TYPE_DANCE","payload":{}}""", harness.Token);
        var error = Assert.IsType<SystemMessageEvent>(await socket.ReceiveLiveAsync(harness.Token));

        Assert.Equal(sequenced, error.Sequence is not null);
        Assert.Equal(sequenced, harness.Simulator.Sessions.Single().Journal.Any(e => e.Id == error.Id));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SessionEndIsFollowedBy1000OrThe1000ComesAlone(bool sessionEndFirst)
    {
        var behavior = sessionEndFirst ? ServerBehavior.Default : ServerBehavior.SilentEnd;
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Behavior = behavior });
        await using var socket = await harness.ConnectNewAsync();

        await socket.SendAsync(Frames.EndSession, harness.Token);
        var frames = new List<Event>();
        while (await socket.ReceiveAsync(harness.Token) is { } next)
        {
            frames.Add(next);
        }

        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.IsType<UserEndSessionEvent>(frames[0]);
        Assert.Equal(sessionEndFirst, frames.Any(e => e is SessionEndEvent));
        Assert.IsType<SessionEndEvent>(harness.Simulator.Sessions.Single().Journal[^1]);
    }

    [Fact]
    public async Task Close4001AcceptsTheUpgradeForAnUnknownOrEndedSessionThenClosesWith4001()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Behavior = ServerBehavior.Close4001 });
        var (token, sessionId) = await harness.NewSessionAsync();
        await using (var socket = await harness.ConnectAsync(sessionId, token))
        {
            await socket.ReceiveBatchAsync(harness.Token);
            await socket.SendAsync(Frames.EndSession, harness.Token);
            await socket.ReceiveCloseAsync(harness.Token);
        }

        await using var ended = await harness.ConnectAsync(sessionId, token);
        await using var unknown = await harness.ConnectAsync(Guid.NewGuid().ToString(), token);

        Assert.Equal((WebSocketCloseStatus)4001, await ended.ReceiveCloseAsync(harness.Token));
        Assert.Equal((WebSocketCloseStatus)4001, await unknown.ReceiveCloseAsync(harness.Token));
    }

    [Fact]
    public async Task AbruptDropsAbortTheSocketWithoutACloseAndTheLostEventsComeBackOnReplay()
    {
        var behavior = ServerBehavior.AbruptDrops with { DropRate = 1, MaxDropsPerSession = 1 };
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Behavior = behavior });
        var (token, sessionId) = await harness.NewSessionAsync();
        await using (var socket = await harness.ConnectAsync(sessionId, token))
        {
            await socket.ReceiveBatchAsync(harness.Token);
            await socket.SendAsync(Frames.Join, harness.Token);
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ReceiveAsync(harness.Token));
            Assert.Null(socket.CloseStatus);
        }

        await using var again = await harness.ConnectAsync(sessionId, token, "1");
        var replay = await again.ReceiveBatchAsync(harness.Token);

        Assert.IsType<RequestPolyAgentJoinEvent>(replay[0]);
        Assert.IsType<PolyAgentMessageEvent>(replay[^1]);
    }

    [Fact]
    public async Task LenientShapesReplayAPolyAgentMessageWithAnEmptyPayload()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Behavior = ServerBehavior.LenientShapes });
        var (token, sessionId) = await harness.NewSessionAsync();
        await using var socket = await harness.ConnectAsync(sessionId, token);

        var frame = Assert.Single(await socket.ReceiveReplayTextAsync(harness.Token));

        using var batch = JsonDocument.Parse(frame);
        var events = batch.RootElement.GetProperty("payload").GetProperty("events").EnumerateArray().ToList();
        Assert.Equal("EVENT_TYPE_SESSION_START", events[0].GetProperty("type").GetString());
        Assert.Equal("EVENT_TYPE_POLY_AGENT_MESSAGE", events[1].GetProperty("type").GetString());
        Assert.Empty(events[1].GetProperty("payload").EnumerateObject());
        Assert.Equal(2, events[1].GetProperty("sequence").GetInt64());
    }

    [Fact]
    public void RandomDrawsTheSameAnswersForTheSameSeedAndVariesAcrossSessions()
    {
        var a = ServerBehavior.Random(11);
        var draws = Enumerable.Range(1, 16).Select(a.ForSession).ToList();

        Assert.Equal(draws, Enumerable.Range(1, 16).Select(ServerBehavior.Random(11).ForSession));
        Assert.All(draws, d => Assert.False(d.RandomizePerSession));
        Assert.True(draws.Distinct().Count() > 1);
        Assert.Contains(draws, d => d.SplitHistoryBatches);
        Assert.Contains(draws, d => !d.SplitHistoryBatches);
        Assert.Equal("random:11", a.Name);
    }

    [Fact]
    public void PresetsAreFoundByNameAndAnUnknownNameIsAClearError()
    {
        Assert.Same(ServerBehavior.Default, ServerBehavior.Presets[0]);
        Assert.All(ServerBehavior.Presets, p => Assert.Equal(p with { Seed = 4 }, ServerBehavior.FromName(p.Name.ToUpperInvariant(), 4)));
        Assert.Equal("random:9", ServerBehavior.FromName("random", 9).Name);
        var error = Assert.Throws<ArgumentException>(() => ServerBehavior.FromName("kind"));
        Assert.Contains("split-history", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RandomSessionsRecordTheirDraw()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Behavior = ServerBehavior.Random(5) });
        var (_, first) = await harness.NewSessionAsync();
        var (_, second) = await harness.NewSessionAsync();

        Assert.Equal(ServerBehavior.Random(5).ForSession(1), harness.Simulator.GetSession(first).Behavior);
        Assert.Equal(ServerBehavior.Random(5).ForSession(2), harness.Simulator.GetSession(second).Behavior);
    }

    // Join, then send messages; returns the last sequence the server journaled.
    private static async Task<(string Token, string SessionId, long Last)> ConversationAsync(SimulatorHarness harness, int messages = 1)
    {
        var (token, sessionId) = await harness.NewSessionAsync();
        await using var socket = await harness.ConnectAsync(sessionId, token);
        await socket.ReceiveReplayTextAsync(harness.Token);
        await socket.SendAsync(Frames.Join, harness.Token);
        await socket.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);
        for (var i = 0; i < messages; i++)
        {
            await socket.SendAsync(Frames.UserMessage("m" + i.ToString(CultureInfo.InvariantCulture)), harness.Token);
            await socket.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);
        }

        return (token, sessionId, harness.Simulator.GetSession(sessionId).Journal[^1].Sequence!.Value);
    }

    // The replay on a fresh socket with the cursor, batch by batch. The probe heartbeat's echo is journaled, so
    // each call adds one event to the history.
    private static async Task<List<IReadOnlyList<Event>>> ReplayAsync(SimulatorHarness harness, string sessionId, string token, long cursor)
    {
        await using var socket = await harness.ConnectAsync(sessionId, token, cursor.ToString(CultureInfo.InvariantCulture));
        var frames = await socket.ReceiveReplayTextAsync(harness.Token);
        return frames.Select(f => (IReadOnlyList<Event>)Assert.IsType<EventBatchEvent>(PolyChatJson.Read(f)).Payload.Events).ToList();
    }
}
