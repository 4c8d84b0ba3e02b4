using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
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
        var behavior = parts[0].StartsWith("random:", StringComparison.Ordinal)
            ? ServerBehavior.Random(int.Parse(parts[0]["random:".Length..], CultureInfo.InvariantCulture))
            : ServerBehavior.FromName(parts[0], seed: 17);
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
        foreach (var (name, run) in (ReadOnlySpan<(string, ClientRun)>)[("first", first), ("second", second), ("third", third)])
        {
            var events = run.Events;
            CheckEachEventOnceInOrder(problems, name, events);
            CheckEachUserMessageOnce(problems, name, events, run.ClientEventId);
            CheckNothingInvented(problems, name, events, journal);
        }

        // The resumed client gets nothing at or below its cursor again (a repeated SESSION_START included).
        var stale = second.Events.Where(e => e.Sequence <= first.Cursor).Select(e => $"{e.Sequence}:{e.Type.Value}").ToList();
        Check(problems, stale.Count == 0, $"second client: the resumed client was given events at or below its cursor {first.Cursor}: {string.Join(", ", stale)}");

        // The client that started over sees the whole session, and does not ask the agent to join again (§4b, §2).
        CheckNothingMissing(problems, third.Events, journal, server.Behavior);
        var joins = journal.OfType<RequestPolyAgentJoinEvent>().Count();
        Check(problems, joins == joinsBeforeThird, $"third client: the client that replayed the whole history asked the agent to join again ({joins - joinsBeforeThird} time(s)).");
        Check(problems, server.IsEnded, "The conversation did not reach the end of the session.");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        await AssertEndedSessionIsGoneAsync(created, cap.Token);
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
        using var arrived = new SemaphoreSlim(0);
        var session = await PolyChatSession.ConnectAsync(Fast(created, cursor), cancellationToken);
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
            Assert.True(status is DeliveryStatus.Sent or DeliveryStatus.Failed, $"{text}: {status}");
            if (end)
            {
                await session.EndAsync();

                // The stream ends by itself after the end of the session (§4a step 8), or throws a typed error.
                await reading;
            }

            lock (events)
            {
                return new ClientRun([.. events], session.Cursor, message.ClientEventId);
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
    private static SessionOptions Fast(SessionOptions created, long cursor = 0) => ClientSessions.Fast(
        created.WebSocketAddress,
        created.SessionId,
        created.AccessToken,
        cursor: cursor,
        sequencing: new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(2) },
        gapReconnectDelay: TimeSpan.FromMilliseconds(200));

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
    private static void CheckEachUserMessageOnce(List<string> problems, string client, List<Event> events, string clientEventId)
    {
        var copies = events.OfType<UserMessageEvent>().Count(e => e.Metadata?.Custom is { } custom
            && custom.TryGetValue("client_event_id", out var id) && id == clientEventId);
        Check(problems, copies <= 1, $"{client} client: its message was delivered to the app {copies} times.");
    }

    // Nothing with a sequence reached the application that the server never journaled.
    private static void CheckNothingInvented(List<string> problems, string client, List<Event> events, IReadOnlyList<Event> journal)
    {
        var journaled = journal.Select(e => e.Id!).ToHashSet(StringComparer.Ordinal);
        var invented = events.Where(e => e.Sequence is not null && !journaled.Contains(e.Id!)).Select(e => e.Type.Value).ToList();
        Check(problems, invented.Count == 0, $"{client} client: delivered but never journaled: {string.Join(", ", invented)}");
    }

    // Every journaled event reached the application, except a SESSION_END the behaviour never puts on a socket
    // (it is journaled after the last socket closed) and the second echo of a re-sent message.
    private static void CheckNothingMissing(List<string> problems, List<Event> events, IReadOnlyList<Event> journal, ServerBehavior behavior)
    {
        var delivered = events.Where(e => e.Id is not null).Select(e => e.Id!).ToHashSet(StringComparer.Ordinal);
        var seenClientEvents = new HashSet<string>(StringComparer.Ordinal);
        var expected = journal
            .Where(e => behavior.SendSessionEndBeforeClose || e is not SessionEndEvent)
            .Where(e => e is not UserMessageEvent { Metadata.Custom: { } custom } || !custom.TryGetValue("client_event_id", out var id) || seenClientEvents.Add(id))
            .ToList();
        var missing = expected.Where(e => !delivered.Contains(e.Id!)).Select(e => $"{e.Sequence}:{e.Type.Value}").ToList();
        Check(problems, missing.Count == 0, $"third client: {missing.Count} journaled event(s) never delivered: {Summary(missing)}");
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
    private static async Task AssertEndedSessionIsGoneAsync(SessionOptions created, CancellationToken cancellationToken)
    {
        var error = await Record.ExceptionAsync(async () =>
        {
            await using var again = await PolyChatSession.ConnectAsync(Fast(created), cancellationToken);
            await foreach (var value in again.ReadEventsAsync(cancellationToken))
            {
                Assert.Fail($"An ended session delivered {value.Type.Value}.");
            }
        });

        Assert.True(error is PolyChatApiException or SessionClosedException, $"Expected a typed error, got {error?.GetType().Name ?? "none"}: {error?.Message}");
    }

    /// <summary>What one client saw, where it stopped, and the client_event_id of the message it sent.</summary>
    private sealed record ClientRun(List<Event> Events, long Cursor, string ClientEventId);
}
