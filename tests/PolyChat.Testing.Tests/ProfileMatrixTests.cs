using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;
using PolyChat.Testing.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace PolyChat.Testing.Tests;

/// <summary>
/// The session client against every <see cref="ServerBehavior"/> preset and a few seeds of the random one: the
/// server's answers differ where the docs are open, and the client's guarantees must not. Each event once, in
/// sequence order, nothing the server journaled missing, every message settled Sent or Failed, and a session
/// that ended is gone for good. The guarantees are the library's rule; the variations are what the docs allow.
/// </summary>
public sealed class ProfileMatrixTests(ITestOutputHelper output)
{
    public static TheoryData<string> Profiles()
    {
        var data = new TheoryData<string>();
        foreach (var preset in ServerBehavior.Presets)
        {
            data.Add(preset.Name);
        }

        foreach (var seed in (int[])[1, 2, 3])
        {
            data.Add(string.Create(CultureInfo.InvariantCulture, $"random:{seed}"));
        }

        // The documented behaviour with a client-side twist: streamed replies, and echoes slower than the
        // retry delay, so messages are re-sent and (the server not deduplicating) echoed twice.
        data.Add("default+streaming");
        data.Add("default+slow-echoes");
        return data;
    }

    private static (ServerBehavior Behavior, FaultOptions Faults, bool Streaming) Parse(string profile)
    {
        var parts = profile.Split('+');

        // A random row is the draw the simulator would make for its first session, made here so the drop rate
        // below can be pinned on it too.
        var behavior = parts[0].StartsWith("random:", StringComparison.Ordinal)
            ? ServerBehavior.Random(int.Parse(parts[0]["random:".Length..], CultureInfo.InvariantCulture)).ForSession(1)
            : ServerBehavior.FromName(parts[0], seed: 17);

        // (A repeated SESSION_START makes every resume's replay non-empty, so no-empty-batch shows only without it.)
        // A row with drops must show one: at the presets' rate (0.08) whether a drop falls depends on how many live
        // events meet an open socket, which varies with timing. At rate 1 the first live events with a socket open
        // are each preceded by a drop, up to MaxDropsPerSession (3), so every run of such a row has drops.
        if (behavior.DropRate > 0)
        {
            behavior = behavior with { DropRate = 1 };
        }

        // Most live events held back up to 900 ms against a 300 ms retry delay: some echo is late in every run seen
        // (checked below), while the backlog stays short enough for the retries. Holding back every event (DelayEvent
        // 1) makes the re-send certain but the backlog outlasts the retries, and messages fail though echoed.
        var slow = parts.Contains("slow-echoes")
            ? new FaultOptions { Seed = 5, DelayEvent = 0.8, MaxDelay = TimeSpan.FromMilliseconds(900) }
            : FaultOptions.None;
        return (behavior, slow, parts.Contains("streaming"));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task EveryProfileGivesTheClientTheSameGuarantees(string profile)
    {
        using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (behavior, faults, streaming) = Parse(profile);
        await using var simulator = await PolyAiSimulator.StartAsync(new SimulatorOptions { Behavior = behavior, Faults = faults }, cap.Token);
        var created = await simulator.CreateSessionAsync(streaming, cap.Token);
        var server = simulator.GetSession(created.SessionId);
        output.WriteLine($"{profile}: {server.Behavior}");

        // Three clients over one session, as an app that restarts would use it: the first joins and sends a
        // message; the second resumes from the first one's cursor (§4b) and sends one; the third starts over
        // with no cursor, so it gets the whole history, sends the last message and ends the session.
        var first = await RunClientAsync(created, cursor: 0, "message 0", end: false, awaitGreeting: true, cap.Token);
        var second = await RunClientAsync(created, first.Cursor, "message 1", end: false, awaitGreeting: false, cap.Token);
        var joinsBeforeThird = server.Journal.OfType<RequestPolyAgentJoinEvent>().Count();
        var third = await RunClientAsync(created, cursor: 0, "message 2", end: true, awaitGreeting: false, cap.Token);

        // Every broken guarantee is listed, not just the first.
        var problems = new List<string>();
        var journal = server.Journal;
        var faultFree = !faults.IsEnabled && server.Behavior.DropRate == 0;
        var expected = Expected(journal, server.Behavior);
        // A client that goes away may have taken an event (its cursor moved) that its reader had not handed to the
        // app yet, so the first two clients are held to everything up to the last sequence they delivered; the third
        // reads to the end of the session and is held to all of it.
        var clients = (ReadOnlySpan<(string, ClientRun, long, long)>)
        [
            ("first", first, 0, LastDelivered(first)),
            ("second", second, first.Cursor, LastDelivered(second)),
            ("third", third, 0, long.MaxValue),
        ];
        foreach (var (name, run, after, upTo) in clients)
        {
            var events = run.Events;
            CheckEachEventOnceInOrder(problems, name, events);
            CheckOwnMessageOnce(problems, name, events, run.ClientEventId);
            CheckNothingInvented(problems, name, events, journal);
            CheckNothingMissing(problems, name, events, expected.Where(e => e.Sequence > after && e.Sequence <= upTo));
            CheckSettled(problems, name, run, journal, faultFree);
        }

        // The resumed client gets nothing at or below its cursor again (a repeated SESSION_START included).
        var stale = second.Events.Where(e => e.Sequence <= first.Cursor).Select(e => $"{e.Sequence}:{e.Type.Value}").ToList();
        Check(problems, stale.Count == 0, $"second client: the resumed client was given events at or below its cursor {first.Cursor}: {string.Join(", ", stale)}");

        // The client that started over does not ask the agent to join again (§4b, §2).
        var joins = journal.OfType<RequestPolyAgentJoinEvent>().Count();
        Check(problems, joins == joinsBeforeThird, $"third client: the client that replayed the whole history asked the agent to join again ({joins - joinsBeforeThird} time(s)).");
        Check(problems, server.IsEnded, "The conversation did not reach the end of the session.");
        CheckVariationsHappened(problems, server, faults, streaming, [first, second, third]);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        await AssertEndedSessionIsGoneAsync(created, server.Behavior, cap.Token);
    }

    private static long LastDelivered(ClientRun run) => run.Events.Max(e => e.Sequence) ?? 0;

    // What this row is about must have happened at least once, or the row tested the default again. Each answer
    // the session's behaviour gives is looked for where it shows: on the wire, in the journal or in the events.
    private static void CheckVariationsHappened(
        List<string> problems, SimulatorSession server, FaultOptions faults, bool streaming, ClientRun[] runs)
    {
        var behavior = server.Behavior;
        var sockets = runs.SelectMany(r => r.Sockets).ToList();
        var batches = sockets.Select(s => s.Received.Where(IsBatch).Select(BatchEvents).ToList()).ToList();
        if (behavior.SplitHistoryBatches)
        {
            Check(problems, batches.Any(b => b.Count > 1), "split-history: no replay came in more than one batch.");
        }

        if (!behavior.EmptyBatchWhenNothingNew && !behavior.RepeatSessionStartOnResume)
        {
            Check(problems, batches.Any(b => b.Count == 0), "no-empty-batch: every socket was sent a batch.");
        }
        else if (behavior.EmptyBatchWhenNothingNew)
        {
            Check(problems, batches.All(b => b.Count > 0), "A socket was sent no batch though the behaviour sends an empty one.");
        }

        if (behavior.RepeatSessionStartOnResume)
        {
            var repeated = sockets.Zip(batches).Any(p => CursorOf(p.First.Address) > 0
                && p.Second.SelectMany(b => b).Any(e => e.GetProperty("type").GetString() == EventType.SessionStart.Value));
            Check(problems, repeated, "repeat-session-start: no replay after a cursor started with SESSION_START again.");
        }

        var sequences = server.Journal.Where(e => e.Sequence is not null).Select(e => e.Sequence!.Value).ToList();
        var holes = sequences.Zip(sequences.Skip(1)).Count(p => p.Second > p.First + 1);
        Check(problems, (holes > 0) == (behavior.SequenceHoleRate > 0), $"sequence-holes: {holes} hole(s) in the journal at a hole rate of {behavior.SequenceHoleRate}.");

        var drops = sockets.Count(s => s.EndedAbruptly);
        Check(problems, (drops > 0) == (behavior.DropRate > 0 || faults.DropConnection > 0), $"abrupt-drops: {drops} socket(s) dropped at a drop rate of {behavior.DropRate}.");

        var sessionEnds = runs[2].Events.OfType<SessionEndEvent>().Count();
        Check(problems, sessionEnds == (behavior.SendSessionEndBeforeClose ? 1 : 0), $"The last client saw {sessionEnds} SESSION_END(s); the behaviour sends it before the close: {behavior.SendSessionEndBeforeClose}.");

        if (behavior.LenientShapesInReplay)
        {
            var empty = batches.SelectMany(b => b).SelectMany(b => b).Any(e => e.GetProperty("type").GetString() == EventType.PolyAgentMessage.Value
                && e.GetProperty("payload") is { ValueKind: JsonValueKind.Object } payload && !payload.EnumerateObject().Any());
            Check(problems, empty, "lenient-shapes: no replay held a POLY_AGENT_MESSAGE with an empty payload.");
        }

        if (streaming)
        {
            var chunks = runs.Sum(r => r.Events.OfType<PolyAgentMessageChunkEvent>().Count());
            Check(problems, chunks > 0, "streaming: no client saw a chunk of a streamed reply.");
        }

        if (faults.DelayEvent > 0)
        {
            var resent = server.ReceivedFrames.Where(f => f.Type == EventType.UserMessage.Value && f.ClientEventId is not null)
                .GroupBy(f => f.ClientEventId).Count(g => g.Count() > 1);
            Check(problems, resent > 0, "slow-echoes: no message was re-sent for a late echo.");
        }
    }

    private static bool IsBatch(string frame)
    {
        using var document = JsonDocument.Parse(frame);
        return document.RootElement.TryGetProperty("type", out var type) && type.GetString() == EventType.EventBatch.Value;
    }

    private static List<JsonElement> BatchEvents(string frame)
    {
        using var document = JsonDocument.Parse(frame);
        return [.. document.RootElement.GetProperty("payload").GetProperty("events").EnumerateArray().Select(e => e.Clone())];
    }

    private static long CursorOf(Uri address) =>
        address.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == "cursor")
            .Select(p => long.Parse(p[1], CultureInfo.InvariantCulture)).Single();

    // A fault-free row settles every message Sent. Otherwise a message may fail only when the server never
    // journaled its echo; and Sent always means the echo is in the journal.
    private static void CheckSettled(List<string> problems, string client, ClientRun run, IReadOnlyList<Event> journal, bool faultFree)
    {
        var echoed = journal.OfType<UserMessageEvent>().Any(e => e.Metadata?.Custom is { } custom
            && custom.TryGetValue("client_event_id", out var id) && id == run.ClientEventId);
        var allowed = run.Status == DeliveryStatus.Sent ? echoed : run.Status == DeliveryStatus.Failed && !faultFree && !echoed;
        Check(problems, allowed, $"{client} client: its message settled {run.Status}, its echo {(echoed ? "in" : "not in")} the journal, on a {(faultFree ? "fault-free" : "faulty")} row.");
    }

    /// <summary>
    /// One client's part: reads in the background, sends <paramref name="text"/> (after the greeting, for the
    /// first client), waits for the agent's reply to it and for the message to settle, then ends the session or
    /// just goes away.
    /// </summary>
    private static async Task<ClientRun> RunClientAsync(
        SessionOptions created, long cursor, string text, bool end, bool awaitGreeting, CancellationToken cancellationToken)
    {
        var events = new List<Event>();
        var sockets = new List<RecordingWebSocket>();
        using var arrived = new SemaphoreSlim(0);
        var session = await PolyChatSession.ConnectAsync(Fast(created, cursor, RecordingWebSocket.Factory(sockets)), cancellationToken);
        try
        {
            var reading = Task.Run(
                async () =>
                {
                    await foreach (var value in session.ReadEventsAsync(cancellationToken))
                    {
                        lock (events)
                        {
                            events.Add(value);
                        }

                        arrived.Release();
                    }
                },
                cancellationToken);

            if (awaitGreeting)
            {
                await WaitForAsync(events, arrived, reading, e => e is PolyAgentMessageEvent { Payload.Text.Length: > 0 }, cancellationToken);
            }

            var message = await session.SendMessageAsync(text);
            await WaitForAsync(events, arrived, reading, e => e is PolyAgentMessageEvent m && m.Payload.Text?.EndsWith(text, StringComparison.Ordinal) == true, cancellationToken);
            var status = await message.Completion.WaitAsync(cancellationToken);
            if (end)
            {
                await session.EndAsync();

                // The stream ends by itself after the end of the session (§4a step 8), or throws a typed error.
                await reading;
            }

            lock (events)
            {
                lock (sockets)
                {
                    return new ClientRun([.. events], session.Cursor, message.ClientEventId, status, [.. sockets]);
                }
            }
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    // Waits for an event that matches; fails at once if the stream ended or failed first.
    private static async Task WaitForAsync(List<Event> events, SemaphoreSlim arrived, Task reading, Func<Event, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (events)
            {
                if (events.Any(match))
                {
                    return;
                }
            }

            if (reading.IsCompleted)
            {
                await reading;
                Assert.Fail("The event stream ended before the awaited event.");
            }

            await Task.WhenAny(arrived.WaitAsync(cancellationToken), reading).WaitAsync(cancellationToken);
        }
    }

    // Small delays, so the whole matrix runs in seconds; the rules are the same at any scale.
    private static SessionOptions Fast(
        SessionOptions created, long cursor = 0, Func<Uri, CancellationToken, ValueTask<System.Net.WebSockets.WebSocket>>? webSocketFactory = null) => ClientSessions.Fast(
        created.WebSocketAddress,
        created.SessionId,
        created.AccessToken,
        cursor: cursor,
        sequencing: new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(2) },
        gapReconnectDelay: TimeSpan.FromMilliseconds(200),
        webSocketFactory: webSocketFactory);

    private static void CheckEachEventOnceInOrder(List<string> problems, string client, List<Event> events)
    {
        var ids = events.Where(e => e.Id is not null).Select(e => e.Id!).ToList();
        var repeated = ids.GroupBy(id => id).Where(g => g.Count() > 1)
            .Select(g => events.First(e => e.Id == g.Key)).Select(e => $"{e.Sequence}:{e.Type.Value} x{ids.Count(id => id == e.Id)}").ToList();
        Check(problems, repeated.Count == 0, $"{client} client: {repeated.Count} event(s) delivered more than once: {Summary(repeated)}");
        var sequences = events.Where(e => e.Sequence is not null).Select(e => e.Sequence!.Value).ToList();
        Check(problems, sequences.SequenceEqual(sequences.Order()), $"{client} client: out of order: {string.Join(",", sequences)}");
    }

    // A message this client re-sent, which the server echoed twice, is still one message to the app: the echo is a
    // receipt (§2), and the second one is a delivery update, not a new event.
    private static void CheckOwnMessageOnce(List<string> problems, string client, List<Event> events, string clientEventId)
    {
        var copies = events.OfType<UserMessageEvent>().Count(e => e.Metadata?.Custom is { } custom
            && custom.TryGetValue("client_event_id", out var id) && id == clientEventId);
        Check(problems, copies == 1, $"{client} client: its message was delivered to the app {copies} times.");
    }

    // Nothing with a sequence reached the application that the server never journaled.
    private static void CheckNothingInvented(List<string> problems, string client, List<Event> events, IReadOnlyList<Event> journal)
    {
        var journaled = journal.Select(e => e.Id!).ToHashSet(StringComparer.Ordinal);
        var invented = events.Where(e => e.Sequence is not null && !journaled.Contains(e.Id!)).Select(e => e.Type.Value).ToList();
        Check(problems, invented.Count == 0, $"{client} client: delivered but never journaled: {string.Join(", ", invented)}");
    }

    // The journaled events a client must deliver: all but a SESSION_END the behaviour never puts on a socket (it is
    // journaled after the last socket closed) and the second echo of a re-sent message or join.
    private static List<Event> Expected(IReadOnlyList<Event> journal, ServerBehavior behavior)
    {
        var seenClientEvents = new HashSet<string>(StringComparer.Ordinal);
        return journal
            .Where(e => behavior.SendSessionEndBeforeClose || e is not SessionEndEvent)
            .Where(e => e.Metadata?.Custom is not { } custom || !custom.TryGetValue("client_event_id", out var id) || seenClientEvents.Add(id))
            .ToList();
    }

    // Every expected event in the client's range (after the cursor it started from, up to where it stopped) reached the application.
    private static void CheckNothingMissing(List<string> problems, string client, List<Event> events, IEnumerable<Event> expected)
    {
        var delivered = events.Where(e => e.Id is not null).Select(e => e.Id!).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(e => !delivered.Contains(e.Id!)).Select(e => $"{e.Sequence}:{e.Type.Value}").ToList();
        Check(problems, missing.Count == 0, $"{client} client: {missing.Count} journaled event(s) never delivered: {Summary(missing)}");
    }

    private static string Summary(List<string> items) =>
        string.Join(", ", items.Take(8)) + (items.Count > 8 ? $", … ({items.Count - 8} more)" : string.Empty);

    private static void Check(List<string> problems, bool condition, string problem)
    {
        if (!condition)
        {
            problems.Add(problem);
        }
    }

    // §4b: an ended session cannot be resumed. A client must say so with a typed error, not hang or replay.
    // The typed error says how the server refused: a 404 or, by behaviour, a close with 4001 after the upgrade.
    private static async Task AssertEndedSessionIsGoneAsync(SessionOptions created, ServerBehavior behavior, CancellationToken cancellationToken)
    {
        var error = await Record.ExceptionAsync(async () =>
        {
            await using var again = await PolyChatSession.ConnectAsync(Fast(created), cancellationToken);
            await foreach (var value in again.ReadEventsAsync(cancellationToken))
            {
                Assert.Fail($"An ended session delivered {value.Type.Value}.");
            }
        });

        var typed = behavior.UnknownSessionCloses4001
            ? error is SessionClosedException { CloseStatus: (System.Net.WebSockets.WebSocketCloseStatus)4001 }
            : error is PolyChatApiException { StatusCode: System.Net.HttpStatusCode.NotFound };
        Assert.True(typed, $"Expected {(behavior.UnknownSessionCloses4001 ? "a 4001 close" : "a 404")}, got {error?.GetType().Name ?? "none"}: {error?.Message}");
    }

    /// <summary>What one client saw, where it stopped, the client_event_id and status of the message it sent, and its sockets.</summary>
    private sealed record ClientRun(List<Event> Events, long Cursor, string ClientEventId, DeliveryStatus Status, List<RecordingWebSocket> Sockets);
}
