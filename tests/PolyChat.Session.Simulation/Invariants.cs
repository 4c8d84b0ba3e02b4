using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Tasks;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Testing;

namespace PolyChat.Session.Simulation;

/// <summary>The promises a session makes, checked against the simulator's journal and record of client frames.</summary>
internal static class Invariants
{
    private static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(35);
    private const int MaxSends = 4;

    public static void CheckAll(
        List<Violation> violations,
        RunRecord record,
        SimulatorSession server,
        IReadOnlyList<RecordingSocket> sockets,
        IReadOnlyList<Task> appCalls,
        VirtualClock clock,
        CapturingLogger logger,
        string token)
    {
        CheckEvents(violations, record, server.Journal);
        CheckMessages(violations, record);
        CheckReconnects(violations, record, logger);
        CheckEnd(violations, record, server, sockets, appCalls, clock);
        CheckClientFrames(violations, server);
        CheckLogs(violations, logger, token);
        if (record.StreamError?.ToString().Contains(token, StringComparison.Ordinal) == true)
        {
            violations.Add(new Violation("token-in-error", "the stream's error contains the access token"));
        }
    }

    public static void CheckLogs(List<Violation> violations, CapturingLogger logger, string token)
    {
        foreach (var (_, line) in logger.Lines)
        {
            if (line.Contains(token, StringComparison.Ordinal))
            {
                violations.Add(new Violation("token-in-log", "a log line contains the access token"));
                return;
            }
        }
    }

    // Each journal event at most once and in order; each one not seen is covered by a gap or a counted skip.
    private static void CheckEvents(List<Violation> violations, RunRecord record, IReadOnlyList<Event> journal)
    {
        var byId = journal.ToDictionary(e => e.Id!, StringComparer.Ordinal);
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var last = 0L;
        foreach (var (at, value) in record.Seen)
        {
            if (value.Sequence is null || value.Id is null)
            {
                continue;
            }

            if (!byId.TryGetValue(value.Id, out var journaled) || journaled.Type != value.Type)
            {
                // The assembled message of a streamed reply carries its last chunk's envelope: not a journal event.
                if (value is PolyAgentMessageEvent && byId.TryGetValue(value.Id, out var chunk) && chunk is PolyAgentMessageChunkEvent)
                {
                    continue;
                }

                violations.Add(new Violation("event-not-in-journal", $"{value.Type.Value} id {value.Id} seq {value.Sequence} at {at}"));
                continue;
            }

            if (!seenIds.Add(value.Id))
            {
                violations.Add(new Violation("event-twice", $"{value.Type.Value} seq {value.Sequence} delivered again at {at}"));
                continue;
            }

            if (value.Sequence <= last)
            {
                violations.Add(new Violation("event-out-of-order", $"seq {value.Sequence} after seq {last} at {at}"));
            }

            last = Math.Max(last, value.Sequence.Value);
        }

        // An extra copy of a message (a retry the server stored too) is hidden from the app by design, once one copy
        // of that message reached it: it shows only as an ExtraCopy delivery update.
        var echoedToApp = record.Seen.Select(s => ClientEventIdOf(s.Event)).Where(id => id is not null).ToHashSet();
        var uncovered = new List<long>();
        var assigned = new HashSet<long>();
        foreach (var value in journal)
        {
            assigned.Add(value.Sequence!.Value);
            if (value.Sequence <= last && !seenIds.Contains(value.Id!)
                && !(value is not SystemMessageEvent && ClientEventIdOf(value) is { } copyOf && echoedToApp.Contains(copyOf))
                && !record.Gaps.Any(g => g.FirstMissing <= value.Sequence && value.Sequence <= g.LastMissing))
            {
                uncovered.Add(value.Sequence.Value);
            }
        }

        var holes = 0L;
        for (var sequence = 1L; sequence <= last; sequence++)
        {
            holes += assigned.Contains(sequence) ? 0 : 1;
        }

        if (uncovered.Count > 0 && uncovered.Count > record.SkippedSequences - holes)
        {
            violations.Add(new Violation(
                "event-lost-silently",
                $"journal sequences {string.Join(",", uncovered)} never reached the app, with no gap declared (skipped {record.SkippedSequences}, holes {holes})"));
        }
    }

    // Sent exactly when the echo reached the client, settled within 35 s of acceptance, at most 4 sends.
    private static void CheckMessages(List<Violation> violations, RunRecord record)
    {
        var echoes = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (at, text) in record.Received)
        {
            foreach (var id in EchoedClientEventIds(text))
            {
                echoes.TryAdd(id, at);
            }
        }

        var sends = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, text) in record.Sent)
        {
            if (ClientEventId(text) is { } id)
            {
                sends[id] = sends.GetValueOrDefault(id) + 1;
            }
        }

        foreach (var message in record.Messages)
        {
            var id = message.Tracked.ClientEventId;
            var what = $"{message.Tracked.Event.Type.Value} {id} accepted at {message.AcceptedAt}";
            if (message.SettledAt is not { } settled)
            {
                violations.Add(new Violation("message-never-settled", what));
                continue;
            }

            var echoed = echoes.TryGetValue(id, out var echoAt) && echoAt <= settled;
            var status = message.Tracked.Status;
            if (status == DeliveryStatus.Sent && !echoed)
            {
                violations.Add(new Violation("sent-without-echo", $"{what}: Sent at {settled}, but no echo reached the client"));
            }
            else if (status != DeliveryStatus.Sent && echoed)
            {
                violations.Add(new Violation("failed-despite-echo", $"{what}: {status} at {settled}, though its echo arrived at {echoAt}"));
            }

            if (settled - message.AcceptedAt > SettleBound)
            {
                violations.Add(new Violation("settled-late", $"{what}: {status} only at {settled} ({(settled - message.AcceptedAt).TotalSeconds:F1} s)"));
            }

            if (sends.GetValueOrDefault(id) > MaxSends)
            {
                violations.Add(new Violation("sent-too-often", $"{what}: sent {sends[id]} times"));
            }
        }
    }

    // One repair reconnect per hole; no reconnect sooner than the backoff allows.
    private static void CheckReconnects(List<Violation> violations, RunRecord record, CapturingLogger logger)
    {
        var repairs = logger.Lines.Where(l => l.Id.Id == 3).Select(l => l.Line).ToList();
        foreach (var group in repairs.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            violations.Add(new Violation("repeated-gap-repair", $"{group.Count()} repair reconnects for one hole: {group.Key}"));
        }

        var failedInARow = 0;
        for (var i = 1; i < record.Attempts.Count; i++)
        {
            var previous = record.Attempts[i - 1];
            var productive = previous.Socket?.Productive == true;
            failedInARow = productive ? 0 : failedInARow + 1;
            var from = previous.Socket?.EndedAt ?? previous.At;
            var waited = record.Attempts[i].At - from;
            var failures = failedInARow + 1;
            var minimum = TimeSpan.FromMilliseconds(0.8 * Math.Min(1000 * Math.Pow(2, Math.Min(failures - 1, 30)), 30_000));
            if (waited < minimum - TimeSpan.FromMilliseconds(1))
            {
                violations.Add(new Violation(
                    "reconnect-too-fast",
                    string.Create(CultureInfo.InvariantCulture, $"attempt {i + 1} at {record.Attempts[i].At} came {waited.TotalMilliseconds:F0} ms after the last connection ended; failure {failures} allows no less than {minimum.TotalMilliseconds:F0} ms")));
                return;
            }
        }
    }

    private static void CheckEnd(
        List<Violation> violations, RunRecord record, SimulatorSession server, IReadOnlyList<RecordingSocket> sockets, IReadOnlyList<Task> appCalls, VirtualClock clock)
    {
        if (record.SessionTimerFiresAfterDispose > 0)
        {
            violations.Add(new Violation("timer-after-dispose", $"{record.SessionTimerFiresAfterDispose} session timer callbacks fired after DisposeAsync completed"));
        }

        if (clock.ArmedTimers("session") is var armed and > 0)
        {
            violations.Add(new Violation("timer-left-armed", $"{armed} session timers still armed after DisposeAsync"));
        }

        if (sockets.Count(s => s.State is WebSocketState.Open or WebSocketState.Connecting) is var open and > 0)
        {
            violations.Add(new Violation("socket-left-open", $"{open} client sockets still open after DisposeAsync"));
        }

        if (appCalls.Count(c => !c.IsCompleted) is var hanging and > 0)
        {
            violations.Add(new Violation("app-call-hangs", $"{hanging} SendMessageAsync/EndAsync calls (or their completions) never finished"));
        }

        // Ours: the app asked to end and the server ended the session as asked; that is a normal end.
        var endedAsAsked = server.Journal.LastOrDefault() is SessionEndEvent { Payload.Reason: var reason } && reason == SessionEndReason.UserEnd;
        if (record.EndRequested && endedAsAsked && record.StreamError is SessionClosedException closed
            && (record.DisposedAt is null || record.DisposedAt > record.StreamCompletedAt))
        {
            violations.Add(new Violation("end-as-asked-fails", $"EndAsync ended the session, yet the stream failed: {closed.Message}"));
        }

        if (record.StreamError is { } error && error is not (SessionClosedException or PolyChatApiException or OperationCanceledException))
        {
            violations.Add(new Violation("stream-unstated-error", $"the stream failed with {error.GetType().Name}: {error.Message}"));
        }
    }

    private static void CheckClientFrames(List<Violation> violations, SimulatorSession server)
    {
        foreach (var frame in server.ReceivedFrames)
        {
            if ((frame.Flags & (ClientFrameFlags.CarriesId | ClientFrameFlags.CarriesSequence | ClientFrameFlags.CarriesTimestamp)) != 0)
            {
                violations.Add(new Violation("client-frame-carries-server-fields", frame.Json));
                return;
            }
        }
    }

    private static IEnumerable<string> EchoedClientEventIds(string text)
    {
        var ids = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(text);
            Collect(document.RootElement, ids);
        }
        catch (JsonException)
        {
        }

        return ids;
    }

    private static void Collect(JsonElement frame, List<string> ids)
    {
        if (frame.ValueKind != JsonValueKind.Object || !frame.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return;
        }

        var name = type.GetString();
        if (name == "EVENT_TYPE_EVENT_BATCH" && frame.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object
            && payload.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array)
        {
            foreach (var inner in events.EnumerateArray())
            {
                Collect(inner, ids);
            }

            return;
        }

        if (name is "EVENT_TYPE_USER_MESSAGE" or "EVENT_TYPE_USER_END_SESSION" && CustomId(frame) is { } id)
        {
            ids.Add(id);
        }
    }

    private static string? ClientEventId(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return CustomId(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? CustomId(JsonElement frame) =>
        frame.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
        && metadata.TryGetProperty("custom", out var custom) && custom.ValueKind == JsonValueKind.Object
        && custom.TryGetProperty("client_event_id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    private static string? ClientEventIdOf(Event value) =>
        value.Metadata?.Custom is { } custom && custom.TryGetValue(DeliveryTracker.ClientEventIdKey, out var id) ? id : null;
}
