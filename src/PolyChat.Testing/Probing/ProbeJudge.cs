using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace PolyChat.Testing.Probing;

/// <summary>
/// Turns what the script saw into points. Each point is decided only from what was seen; when the observation
/// does not settle it (a step not reached, an answer another behaviour hides), the point is undecided and says why.
/// </summary>
internal static class ProbeJudge
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static List<ProbePoint> Judge(ProbeObservations seen, IReadOnlyList<ProbeEvent> conversation, (string Frame, IReadOnlyList<string> Fields)? wrapper, int maxSockets)
    {
        var replays = new[] { seen.FullReplay, seen.AfterStartReplay, seen.MiddleReplay, seen.LastReplay, seen.BeyondReplay }
            .Where(r => r is not null).Select(r => r!).ToList();
        return
        [
            Capabilities(seen),
            HistoryBatches(replays),
            EmptyBatch(seen),
            SessionStartOnResume(seen),
            CursorBeyondEnd(seen),
            SequenceContiguity(conversation, replays),
            BatchWrapper(wrapper),
            HeartbeatEcho(seen),
            ErrorSequence(seen),
            MetadataInReplay(seen),
            StreamedReplay(seen, conversation),
            EchoBeforeAgentError(seen),
            DroppedBeforeEcho(seen),
            DuplicateClientEventId(seen),
            OversizedFrame(seen),
            ConnectionLimit(seen, maxSockets),
            SessionEnd(seen),
            EndedSessionHandshake(seen),
            ExpiredSession(),
            AbruptDrops(seen),
            ReplayShapes(seen),
        ];
    }

    private static ProbePoint Point(
        string id, string question, string answer, string observed, string forClients, IEnumerable<string>? evidence = null, Dictionary<string, string>? values = null)
    {
        values ??= [];
        return new ProbePoint
        {
            Id = id,
            Question = question,
            Answer = answer,
            Observed = observed,
            Values = values,
            Evidence = Evidence.Cap([.. (evidence ?? []).Select(Evidence.Trim)]),
            ForClients = forClients,
            Simulator = ProbeProfile.Describe(id, answer, values),
        };
    }

    private static ProbePoint NotReached(string id, string question, string step, string forClients) =>
        Point(id, question, ProbePoint.Undecided, $"The run did not reach the '{step}' step.", forClients);

    private static string N(long? value) => value?.ToString(Invariant) ?? "null";

    private static ProbePoint Capabilities(ProbeObservations seen)
    {
        const string Question = "What does SESSION_START report in its capabilities (streaming, message size limit, heartbeat interval, reconnect attempts)?";
        const string ForClients = "Take the limits from here rather than from the docs, and keep them from the first connect: a resume may not repeat SESSION_START (see session-start-on-resume).";
        if (seen.SessionStart is not { } start)
        {
            return Point(ProbePointIds.Capabilities, Question, ProbePoint.Undecided, "No SESSION_START came on the first connect.", ForClients);
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (start.Payload.ValueKind == JsonValueKind.Object && start.Payload.TryGetProperty("capabilities", out var capabilities)
            && capabilities.ValueKind == JsonValueKind.Object)
        {
            foreach (var name in (string[])["streaming", "max_message_size_bytes", "heartbeat_interval_seconds", "max_reconnect_attempts"])
            {
                if (capabilities.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                {
                    values[name] = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.ValueKind == JsonValueKind.True ? "true" : "false";
                }
            }
        }

        if (values.Count == 0)
        {
            return Point(ProbePointIds.Capabilities, Question, ProbePoint.Undecided, "SESSION_START came without any of the documented capabilities.", ForClients, [start.Describe()]);
        }

        var listed = string.Join(", ", values.Select(v => $"{v.Key} {v.Value}"));
        return Point(ProbePointIds.Capabilities, Question, "reported", $"SESSION_START reported {listed}.", ForClients, [start.Describe()], values);
    }

    private static ProbePoint HistoryBatches(List<ReplayObservation> replays)
    {
        const string Question = "Does the history replay come in one EVENT_BATCH or several, and how large are they?";
        var complete = replays.Where(r => r.Complete).ToList();
        var evidence = replays.Select(r => r.Describe()).ToList();
        var largest = complete.Count == 0 ? 0 : complete.Max(r => r.Events.Count());
        if (largest < 2)
        {
            return Point(ProbePointIds.HistoryBatches, Question, ProbePoint.Undecided, "No replay of two events or more was read to its end.",
                "Accept one batch or several, as the docs say 'one or more'.", evidence);
        }

        var split = complete.Where(r => r.Batches.Count(b => b.Count > 0) > 1).ToList();
        var biggestBatch = complete.SelectMany(r => r.Batches).Max(b => b.Count);
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["largest_batch"] = biggestBatch.ToString(Invariant), ["largest_replay"] = largest.ToString(Invariant) };
        if (split.Count > 0)
        {
            var example = split.OrderByDescending(r => r.Batches.Count).First();
            return Point(ProbePointIds.HistoryBatches, Question, "several-batches",
                $"{split.Count} of {complete.Count} replays came in several batches (e.g. {example.Events.Count()} events in {example.Batches.Count} batches); the largest batch held {biggestBatch} events.",
                "Never take the first batch for the whole history: keep reading batches, and do not expect to tell the last one by its size.", evidence, values);
        }

        return Point(ProbePointIds.HistoryBatches, Question, "one-batch",
            $"Every replay came in one batch; the largest held {largest} events.",
            $"Seen as one batch up to {largest} events; a longer history may still be split, and the docs say 'one or more', so accept several.", evidence, values);
    }

    private static ProbePoint EmptyBatch(ProbeObservations seen)
    {
        const string Question = "When nothing is newer than the cursor, does an empty EVENT_BATCH come, or no batch at all?";
        const string Open = "Accept both: after a reconnect, do not wait for a batch before treating the history as caught up.";
        if (seen.LastReplay is not { } replay)
        {
            return NotReached(ProbePointIds.EmptyBatch, Question, "replays", Open);
        }

        var evidence = new List<string> { replay.Describe() };
        if (!replay.Complete)
        {
            return Point(ProbePointIds.EmptyBatch, Question, ProbePoint.Undecided, "The replay after the last sequence was not read to its end.", Open, evidence);
        }

        var events = replay.Events.ToList();
        if (events.Count > 0 && events.All(e => e.Is("SESSION_START")))
        {
            return Point(ProbePointIds.EmptyBatch, Question, ProbePoint.Undecided,
                "The replay after the last sequence held only a repeated SESSION_START, so it was never empty: this server hides the answer.", Open, evidence);
        }

        if (events.Count > 0)
        {
            return Point(ProbePointIds.EmptyBatch, Question, ProbePoint.Undecided,
                $"Events newer than the cursor kept arriving ({seen.LastReplayAttempts} attempts), so no replay had nothing newer.", Open, evidence);
        }

        return replay.Batches.Count == 0
            ? Point(ProbePointIds.EmptyBatch, Question, "no-batch", $"With cursor={N(replay.Cursor)} (the last sequence) no batch came at all.",
                "A reconnect with nothing new brings no batch: do not wait for one before treating the history as caught up (end the wait on a timeout or on the first live event).", evidence)
            : Point(ProbePointIds.EmptyBatch, Question, "empty-batch", $"With cursor={N(replay.Cursor)} (the last sequence) {replay.Batches.Count} empty batch(es) came.",
                "An empty batch shows the history is caught up; since the docs leave it open, a client should still cope with none.", evidence);
    }

    private static ProbePoint SessionStartOnResume(ProbeObservations seen)
    {
        const string Question = "Does SESSION_START come again at the head of a replay whose cursor is past it?";
        const string Open = "Keep the capabilities from the first connect, and accept a repeated SESSION_START (deduplicated by id).";
        var startSequence = seen.SessionStart?.Sequence;
        var resumes = new[] { seen.AfterStartReplay, seen.MiddleReplay, seen.LastReplay, seen.BeyondReplay }
            .Where(r => r is { Complete: true } && startSequence is { } s && r.Cursor >= s).Select(r => r!).ToList();
        if (resumes.Count == 0)
        {
            return Point(ProbePointIds.SessionStartOnResume, Question, ProbePoint.Undecided,
                startSequence is null ? "SESSION_START had no sequence, so no cursor could be past it." : "No replay after SESSION_START was read to its end.", Open);
        }

        var evidence = resumes.Select(r => r.Describe()).ToList();
        var repeated = resumes.Where(r => r.Events.Any(e => e.Is("SESSION_START"))).ToList();
        return repeated.Count > 0
            ? Point(ProbePointIds.SessionStartOnResume, Question, "repeated",
                $"{repeated.Count} of {resumes.Count} replays after SESSION_START (sequence {N(startSequence)}) began with it again.",
                "Expect SESSION_START again on every resume: deduplicate it by id, and do not reset the conversation on it.", evidence)
            : Point(ProbePointIds.SessionStartOnResume, Question, "not-repeated",
                $"None of {resumes.Count} replays after SESSION_START (sequence {N(startSequence)}) held it.",
                "A resume does not repeat SESSION_START: keep the capabilities from the first connect.", evidence);
    }

    private static ProbePoint CursorBeyondEnd(ProbeObservations seen)
    {
        const string Question = "What does a reconnect with a cursor beyond the last sequence get?";
        const string Open = "Keep cursors per session, and deduplicate by id whatever a replay holds.";
        if (seen.BeyondReplay is not { } replay)
        {
            return NotReached(ProbePointIds.CursorBeyondEnd, Question, "replays", Open);
        }

        var evidence = new List<string> { replay.Describe() };
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["cursor"] = N(replay.Cursor) };
        if (replay.Refused is not null)
        {
            values["status"] = N(replay.RefusedStatus);
            return Point(ProbePointIds.CursorBeyondEnd, Question, "refused", $"The handshake was refused ({replay.Refused}).",
                "A cursor ahead of the server fails the handshake: a client must not take that refusal for an ended session.", evidence, values);
        }

        if (!replay.Complete)
        {
            return Point(ProbePointIds.CursorBeyondEnd, Question, ProbePoint.Undecided, "The replay was not read to its end.", Open, evidence, values);
        }

        var events = replay.Events.ToList();
        if (events.Count == 0)
        {
            return Point(ProbePointIds.CursorBeyondEnd, Question, "nothing-replayed",
                replay.Batches.Count == 0 ? "The socket opened and no batch came." : "The socket opened and only empty batches came.",
                "A cursor ahead of the server replays nothing and is not refused: a client cannot tell it from a caught-up history, so it must never reuse a cursor from another session.", evidence, values);
        }

        if (events.All(e => e.Is("SESSION_START")))
        {
            return Point(ProbePointIds.CursorBeyondEnd, Question, "session-start-only", "The socket opened and the replay held only SESSION_START.",
                "A cursor ahead of the server replays nothing new and is not refused: never reuse a cursor from another session.", evidence, values);
        }

        if (events.Any(e => e.Sequence <= seen.HighestBeforeReplays))
        {
            return Point(ProbePointIds.CursorBeyondEnd, Question, "whole-history", $"The replay held {events.Count} events from the start: the cursor was ignored.",
                "A cursor beyond the end is treated as no cursor: the whole history comes again, so deduplicate by id.", evidence, values);
        }

        return Point(ProbePointIds.CursorBeyondEnd, Question, ProbePoint.Undecided, "The replay held events newer than the last sequence seen.", Open, evidence, values);
    }

    private static ProbePoint SequenceContiguity(IReadOnlyList<ProbeEvent> conversation, List<ReplayObservation> replays)
    {
        const string Question = "Are sequences contiguous (1, 2, 3…), or can numbers be skipped?";
        var byId = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var value in conversation.Concat(replays.SelectMany(r => r.Events.Concat(r.Others).Append(r.BarrierAnswer))))
        {
            if (value is { Id: { } id, Sequence: { } sequence })
            {
                byId[id] = sequence;
            }
        }

        var sequences = byId.Values.Distinct().Order().ToList();
        if (sequences.Count < 3)
        {
            return Point(ProbePointIds.SequenceContiguity, Question, ProbePoint.Undecided, $"Only {sequences.Count} sequenced events were seen.",
                "Order by sequence and do not wait for a missing number: the docs promise only 'monotonic'.");
        }

        var gaps = new List<string>();
        for (var i = 1; i < sequences.Count; i++)
        {
            if (sequences[i] > sequences[i - 1] + 1)
            {
                gaps.Add($"{sequences[i - 1]} → {sequences[i]}");
            }
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["first"] = sequences[0].ToString(Invariant),
            ["last"] = sequences[^1].ToString(Invariant),
            ["events"] = sequences.Count.ToString(Invariant),
        };
        var shared = byId.GroupBy(p => p.Value).Where(g => g.Count() > 1).Select(g => $"sequence {g.Key} was given to {g.Count()} events").ToList();
        if (gaps.Count > 0)
        {
            values["gaps"] = gaps.Count.ToString(Invariant);
            return Point(ProbePointIds.SequenceContiguity, Question, "holes",
                $"{sequences.Count} sequenced events from {sequences[0]} to {sequences[^1]} skipped numbers {gaps.Count} time(s), first {gaps[0]}.",
                "Order by sequence and treat a skipped number as normal: a client that waits for it would stall.", gaps.Select(g => "gap: " + g).Concat(shared), values);
        }

        return Point(ProbePointIds.SequenceContiguity, Question, "contiguous",
            $"{sequences.Count} sequenced events ran from {sequences[0]} to {sequences[^1]} with no number missing.",
            $"Seen contiguous over {sequences.Count} events, but the docs promise only 'monotonic': a client waiting for a missing number should give up after a while rather than stall.",
            shared, values);
    }

    private static ProbePoint BatchWrapper((string Frame, IReadOnlyList<string> Fields)? wrapper)
    {
        const string Question = "Does the EVENT_BATCH wrapper carry an id, sequence or timestamp of its own?";
        const string ForClients = "Read the wrapper's envelope fields as optional, and order and deduplicate by the inner events only.";
        if (wrapper is not { } seen)
        {
            return Point(ProbePointIds.BatchWrapper, Question, ProbePoint.Undecided, "No batch was received.", ForClients);
        }

        return seen.Fields.Count == 0
            ? Point(ProbePointIds.BatchWrapper, Question, "bare", "The wrapper had only type and payload.", ForClients, [seen.Frame])
            : Point(ProbePointIds.BatchWrapper, Question, "enveloped", $"The wrapper had {string.Join(", ", seen.Fields)}.", ForClients, [seen.Frame],
                new Dictionary<string, string>(StringComparer.Ordinal) { ["fields"] = string.Join(",", seen.Fields) });
    }

    private static ProbePoint HeartbeatEcho(ProbeObservations seen)
    {
        const string Question = "Is a HEARTBEAT echoed, and does the echo carry a sequence (is it kept in the history)?";
        const string Open = "Accept heartbeat echoes with or without a sequence.";
        if (!seen.StepsDone.Contains("heartbeat"))
        {
            return NotReached(ProbePointIds.HeartbeatEchoSequence, Question, "heartbeat", Open);
        }

        if (seen.HeartbeatEcho is not { } echo)
        {
            return seen.HeartbeatUnanswered
                ? Point(ProbePointIds.HeartbeatEchoSequence, Question, "no-echo", "No echo came for the heartbeat.",
                    "Do not count on a heartbeat's echo to tell that the link is alive.")
                : Point(ProbePointIds.HeartbeatEchoSequence, Question, ProbePoint.Undecided, "The heartbeat's wait ended without an echo before its time ran out.", Open);
        }

        var inHistory = seen.FullReplay is { Complete: true } full ? full.Events.Any(e => e.Id == echo.Id) ? "yes" : "no" : "unknown";
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["in_history"] = inHistory };
        return echo.Sequence is { } sequence
            ? Point(ProbePointIds.HeartbeatEchoSequence, Question, "sequenced",
                $"The echo had sequence {sequence}; in the history replay: {inHistory}.",
                "Heartbeat echoes take sequence numbers: a cursor counts them, and a replay brings them back; skip them in the conversation view.", [echo.Describe()], values)
            : Point(ProbePointIds.HeartbeatEchoSequence, Question, "unsequenced",
                $"The echo had no sequence; in the history replay: {inHistory}.",
                "Heartbeat echoes are transient: never move a cursor on them.", [echo.Describe()], values);
    }

    private static ProbePoint ErrorSequence(ProbeObservations seen)
    {
        const string Question = "Does an error SYSTEM_MESSAGE caused by a client frame carry a sequence (and join the history)?";
        if (seen.FirstError is not { } error)
        {
            return Point(ProbePointIds.ErrorSequence, Question, ProbePoint.Undecided, "No error answered the unknown-type frame sent on the first connect.",
                "Accept errors with or without a sequence.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["message"] = error.PayloadString("message") ?? string.Empty,
            ["metadata_echoed"] = error.Custom is null ? "no" : "yes",
        };
        return error.Sequence is { } sequence
            ? Point(ProbePointIds.ErrorSequence, Question, "sequenced",
                $"The error '{values["message"]}' had sequence {sequence}; metadata.custom echoed: {values["metadata_echoed"]}.",
                "Errors take sequence numbers and come back in replays (and reach every socket of the session): deduplicate them by id.", [error.Describe()], values)
            : Point(ProbePointIds.ErrorSequence, Question, "unsequenced",
                $"The error '{values["message"]}' had no sequence; metadata.custom echoed: {values["metadata_echoed"]}.",
                "Errors are transient: they are not replayed, so an error missed during a drop is gone; tie them to the frame by metadata.custom.", [error.Describe()], values);
    }

    private static ProbePoint MetadataInReplay(ProbeObservations seen)
    {
        const string Question = "Does an echo's metadata.custom survive in the history replay?";
        const string Open = "Match echoes by client_event_id live; after a resume, fall back to text and order when metadata is missing.";
        if (seen.FirstEcho is not { } echo)
        {
            return seen.StepsDone.Contains("message")
                ? Point(ProbePointIds.MetadataInReplay, Question, ProbePoint.Undecided, "The message's echo never came.", Open)
                : NotReached(ProbePointIds.MetadataInReplay, Question, "message", Open);
        }

        if (echo.ClientEventId is null)
        {
            return Point(ProbePointIds.MetadataInReplay, Question, ProbePoint.Undecided, "The live echo itself carried no metadata.custom, so there is nothing to compare.", Open, [echo.Describe()]);
        }

        if (seen.FullReplay is not { Complete: true } full || full.Events.FirstOrDefault(e => e.Id == echo.Id) is not { } replayed)
        {
            return Point(ProbePointIds.MetadataInReplay, Question, ProbePoint.Undecided, "The echo was not found in a complete history replay.", Open, [echo.Describe()]);
        }

        return replayed.ClientEventId == echo.ClientEventId
            ? Point(ProbePointIds.MetadataInReplay, Question, "kept", "The replayed echo carried the same metadata.custom as the live one.",
                "After a resume, an echo in the replay can still be matched to its message by client_event_id.", ["live: " + echo.Describe(), "replay: " + replayed.Describe()])
            : Point(ProbePointIds.MetadataInReplay, Question, "dropped", "The replayed echo had lost its metadata.custom.",
                "An echo first seen in a replay cannot be matched by client_event_id: match it by text and order, or treat the message as unconfirmed.",
                ["live: " + echo.Describe(), "replay: " + replayed.Describe()]);
    }

    private static ProbePoint StreamedReplay(ProbeObservations seen, IReadOnlyList<ProbeEvent> conversation)
    {
        const string Question = "Does the replay hold a streamed reply as its chunks, or as one merged POLY_AGENT_MESSAGE?";
        const string Open = "Accept both in a replay: assemble chunks, and take a whole message with the same message_id as the finished reply.";
        var chunk = conversation.FirstOrDefault(e => e.Is("POLY_AGENT_MESSAGE_CHUNK") && e.PayloadString("message_id") is not null);
        if (chunk is null)
        {
            return Point(ProbePointIds.StreamedReplay, Question, ProbePoint.Undecided, "No reply came in chunks (streaming off, or the agent sent whole messages).", Open);
        }

        var messageId = chunk.PayloadString("message_id")!;
        if (seen.FullReplay is not { Complete: true } full)
        {
            return Point(ProbePointIds.StreamedReplay, Question, ProbePoint.Undecided, "No complete history replay was read.", Open);
        }

        var same = full.Events.Where(e => e.PayloadString("message_id") == messageId).ToList();
        var chunks = same.Count(e => e.Is("POLY_AGENT_MESSAGE_CHUNK"));
        var whole = same.Count(e => e.Is("POLY_AGENT_MESSAGE"));
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["chunks"] = chunks.ToString(Invariant), ["messages"] = whole.ToString(Invariant) };
        var evidence = same.Select(e => "replay: " + e.Describe()).Prepend("live: " + chunk.Describe());
        return (chunks, whole) switch
        {
            ( > 0, 0) => Point(ProbePointIds.StreamedReplay, Question, "chunks", $"The reply {messageId} came back as its {chunks} chunks.",
                "A resume replays the chunks: run them through the same assembler as live ones, deduplicated by id.", evidence, values),
            (0, > 0) => Point(ProbePointIds.StreamedReplay, Question, "merged", $"The reply {messageId} came back as one POLY_AGENT_MESSAGE.",
                "A resume replays a streamed reply as one message with the same message_id: let it replace any half-assembled chunks.", evidence, values),
            (0, 0) => Point(ProbePointIds.StreamedReplay, Question, ProbePoint.Undecided, $"The reply {messageId} was not in the replay.", Open, evidence, values),
            _ => Point(ProbePointIds.StreamedReplay, Question, "both", $"The reply {messageId} came back as {chunks} chunks and {whole} whole message(s).",
                "A resume replays a streamed reply both ways: keep one by message_id.", evidence, values),
        };
    }

    private static ProbePoint EchoBeforeAgentError(ProbeObservations seen)
    {
        const string Question = "When the agent's side refuses a user message (here: one sent before the agent was asked to join), is the message echoed before the error?";
        const string Open = "Treat an error tied to a message (by metadata.custom) as final for it, whether or not its echo came first.";
        if (seen.BeforeJoin is not { } arrivals)
        {
            return NotReached(ProbePointIds.EchoBeforeAgentError, Question, "before-join", Open);
        }

        var id = seen.BeforeJoinId;
        var echo = arrivals.FindIndex(e => e.Is("USER_MESSAGE") && e.ClientEventId == id);
        var error = arrivals.FindIndex(e => e.IsError && (e.ClientEventId == id || e.Custom is null));
        var evidence = arrivals.Where(e => !e.Repeat).Select(e => e.Describe()).Prepend("→ USER_MESSAGE client_event_id=" + id + " (before REQUEST_POLY_AGENT_JOIN)");
        if (error < 0)
        {
            return Point(ProbePointIds.EchoBeforeAgentError, Question, ProbePoint.Undecided,
                echo < 0 ? "Neither an echo nor an error came." : "The message was echoed and no agent-side error came, so there was no error to order.", Open, evidence);
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["message"] = arrivals[error].PayloadString("message") ?? string.Empty };
        if (echo < 0)
        {
            return Point(ProbePointIds.EchoBeforeAgentError, Question, "error-without-echo", $"The error '{values["message"]}' came and no echo.",
                "A refused message may get no echo at all: end its retries on the error, or they go on until the retry limit.", evidence, values);
        }

        var echoFirst = arrivals[echo].Sequence is { } a && arrivals[error].Sequence is { } b ? a < b : echo < error;
        return echoFirst
            ? Point(ProbePointIds.EchoBeforeAgentError, Question, "echo-first", $"The echo came, then the error '{values["message"]}'.",
                "An echo means delivered, not accepted: an error can still follow it, so do not show the message as answered on the echo alone.", evidence, values)
            : Point(ProbePointIds.EchoBeforeAgentError, Question, "error-first", $"The error '{values["message"]}' came before the echo.",
                "An error can come before the echo of the message it is about: tie them by metadata.custom, not by order.", evidence, values);
    }

    private static ProbePoint DroppedBeforeEcho(ProbeObservations seen)
    {
        const string Question = "Is a message whose socket drops right after it is sent, before its echo, still processed (its echo after a reconnect)?";
        const string Open = "After a reconnect, look for the message's client_event_id in the replay before sending it again.";
        if (!seen.StepsDone.Contains("dropped-before-echo"))
        {
            return NotReached(ProbePointIds.DroppedBeforeEcho, Question, "dropped-before-echo", Open);
        }

        var sent = "→ USER_MESSAGE client_event_id=" + seen.DroppedMessageId + ", then the socket aborted";
        return seen.DroppedEcho is { } echo
            ? Point(ProbePointIds.DroppedBeforeEcho, Question, "processed", "Its echo came after the reconnect: the server had the message.",
                "A message sent just before a drop has often arrived: after reconnecting, look for its client_event_id in the replay before re-sending, or it may be kept twice (see duplicate-client-event-id).",
                [sent, "after reconnecting: " + echo.Describe()])
            : Point(ProbePointIds.DroppedBeforeEcho, Question, "lost", "No echo came after the reconnect: the message was lost with the socket.",
                "A message whose socket dropped before its echo must be sent again after the reconnect (same client_event_id).", [sent]);
    }

    private static ProbePoint DuplicateClientEventId(ProbeObservations seen)
    {
        const string Question = "When a message is sent again with the same client_event_id (a retry), does the server keep two copies?";
        const string Open = "Deduplicate by client_event_id in the client; re-send only when the echo is really missing.";
        if (seen.Resend is not { } arrivals)
        {
            return NotReached(ProbePointIds.DuplicateClientEventId, Question, "resend", Open);
        }

        if (seen.FirstEcho is not { } first)
        {
            return Point(ProbePointIds.DuplicateClientEventId, Question, ProbePoint.Undecided, "The first send had no echo to compare with.", Open);
        }

        var id = seen.FirstMessageId;
        var echoes = arrivals.Where(e => e.Is("USER_MESSAGE") && e.ClientEventId == id).ToList();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (seen.FullReplay is { Complete: true } full)
        {
            values["copies_in_history"] = full.Events.Count(e => e.Is("USER_MESSAGE") && e.ClientEventId == id).ToString(Invariant);
        }

        var evidence = echoes.Select(e => "second send's echo: " + e.Describe()).Prepend("first send's echo: " + first.Describe());
        var copies = values.TryGetValue("copies_in_history", out var c) ? $"; {c} copies in the history" : string.Empty;
        if (echoes.Exists(e => e.Id != first.Id))
        {
            var replied = arrivals.Exists(e => e.EndsAgentTurn && !e.IsError && !e.Repeat) ? " and the agent replied again" : string.Empty;
            return Point(ProbePointIds.DuplicateClientEventId, Question, "processed-twice", $"The re-send got a new echo (new id){replied}{copies}.",
                "The server does not deduplicate: a retry after a lost echo creates a second message and a second reply. Deduplicate echoes by client_event_id and re-send only when the echo is really missing.",
                evidence, values);
        }

        if (echoes.Count > 0)
        {
            return Point(ProbePointIds.DuplicateClientEventId, Question, "first-echo-repeated", $"The re-send got the first echo again (same id) and nothing else{copies}.",
                "Retries are safe: the server deduplicates by client_event_id and answers with the first echo.", evidence, values);
        }

        return Point(ProbePointIds.DuplicateClientEventId, Question, "no-echo", $"The re-send got no echo{copies}.",
            "A retry gets no echo: a client waiting for one marks the message failed though it was delivered; stop retrying once any echo came.", evidence, values);
    }

    private static ProbePoint OversizedFrame(ProbeObservations seen)
    {
        const string Question = "What does a frame larger than max_message_size_bytes get: an error (with which text), or a closed socket?";
        const string Open = "Never send a frame over max_message_size_bytes; check the size before sending.";
        if (seen.Oversized is not { } arrivals)
        {
            return NotReached(ProbePointIds.OversizedFrame, Question, "oversized", Open);
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["bytes"] = seen.OversizedBytes.ToString(Invariant) };
        var error = arrivals.FirstOrDefault(e => e.IsError && e.Marker is null or "oversized");
        var evidence = new List<string> { $"→ {seen.OversizedBytes} bytes, type {ProbeFrames.OversizedType}" };
        evidence.AddRange(arrivals.Where(e => !e.Repeat).Select(e => e.Describe()));
        if (seen.OversizedEnd is { } end)
        {
            evidence.Add(end.Describe());
        }

        values["socket_open_after"] = seen.OpenAfterOversized == true ? "yes" : "no";
        if (error is not null && error.PayloadString("message") is { } message && message.Contains("Unknown event type", StringComparison.Ordinal))
        {
            return Point(ProbePointIds.OversizedFrame, Question, ProbePoint.Undecided,
                $"The frame of {seen.OversizedBytes} bytes was read as an ordinary (unknown-type) frame: the limit is larger than reported.", Open, evidence, values);
        }

        if (error is not null)
        {
            values["message"] = error.PayloadString("message") ?? string.Empty;
            return Point(ProbePointIds.OversizedFrame, Question, "error",
                $"An error '{values["message"]}' came; the socket {(seen.OpenAfterOversized == true ? "stayed open" : "did not stay open")}.",
                "An oversized frame is refused with an error, not a close: show it as a failed message, not as a lost link.", evidence, values);
        }

        if (seen.OversizedEnd is { Kind: ProbeFrameKind.Closed } closed)
        {
            values["close_status"] = N(closed.CloseStatus);
            values["close_reason"] = closed.Detail ?? string.Empty;
            return Point(ProbePointIds.OversizedFrame, Question, "closed", $"The server closed the socket ({closed.Describe()}) without an error message.",
                "An oversized frame costs the connection: reconnect, and fail that message rather than re-sending it.", evidence, values);
        }

        if (seen.OversizedEnd is { Kind: ProbeFrameKind.Dropped })
        {
            return Point(ProbePointIds.OversizedFrame, Question, "dropped", "The connection was lost without a close frame or an error.",
                "An oversized frame costs the connection: reconnect, and fail that message rather than re-sending it.", evidence, values);
        }

        return Point(ProbePointIds.OversizedFrame, Question, "ignored", "Nothing answered the frame, and the socket stayed open.",
            "An oversized frame vanishes without a word: a message sent so waits for an echo that never comes.", evidence, values);
    }

    private static ProbePoint ConnectionLimit(ProbeObservations seen, int maxSockets)
    {
        const string Question = "How many sockets may one session have open at once, and what does one more get?";
        const string Open = "Keep one socket per session; close the old one before reconnecting.";
        if (seen.SocketsAtOnce is not { } atOnce)
        {
            return NotReached(ProbePointIds.ConnectionLimit, Question, "connection-limit", Open);
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (seen.LimitRefusal is null)
        {
            values["at_least"] = atOnce.ToString(Invariant);
            return Point(ProbePointIds.ConnectionLimit, Question, ProbePoint.Undecided,
                $"All {atOnce} sockets opened; the probe stops at {maxSockets}, so the limit is at least {atOnce} (the docs say 10).", Open, seen.LimitEvidence, values);
        }

        values["limit"] = atOnce.ToString(Invariant);
        values["refusal_status"] = N(seen.LimitRefusalStatus);
        return Point(ProbePointIds.ConnectionLimit, Question, "limit", $"{atOnce} sockets were open at once; the next was refused ({seen.LimitRefusal}).",
            $"At most {atOnce} sockets per session: a client that reconnects before its old socket is closed can hit the limit; close first, and treat HTTP {N(seen.LimitRefusalStatus)} as 'retry later'.",
            seen.LimitEvidence, values);
    }

    private static ProbePoint SessionEnd(ProbeObservations seen)
    {
        const string Question = "When the user ends the session, does SESSION_END come before the server closes the socket, and with which close code?";
        const string Open = "Treat both SESSION_END and a 1000 close after the end request as the end.";
        if (seen.End is not { } arrivals)
        {
            return NotReached(ProbePointIds.SessionEnd, Question, "end", Open);
        }

        var echo = arrivals.Find(e => e.Is("USER_END_SESSION"));
        var end = arrivals.Find(e => e.Is("SESSION_END"));
        var evidence = arrivals.Select(e => e.Describe()).Prepend("→ USER_END_SESSION").ToList();
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["echo"] = echo is null ? "no" : "yes" };
        if (end?.PayloadString("reason") is { } reason)
        {
            values["reason"] = reason;
        }

        if (seen.EndClose is { } close)
        {
            evidence.Add(close.Describe());
        }
        else if (seen.EndTimedOut)
        {
            evidence.Add("(socket still open)");
        }

        switch (seen.EndClose)
        {
            case { Kind: ProbeFrameKind.Closed } closed:
                values["close_status"] = N(closed.CloseStatus);
                return end is not null
                    ? Point(ProbePointIds.SessionEnd, Question, "session-end-then-close", $"SESSION_END came ({values.GetValueOrDefault("reason")}), then {closed.Describe()}.",
                        "Stop on SESSION_END; the close that follows is the normal end, not a reason to reconnect.", evidence, values)
                    : Point(ProbePointIds.SessionEnd, Question, "close-without-session-end", $"No SESSION_END came; the server closed the socket ({closed.Describe()}).",
                        "After the end request, a 1000 close alone is the end: do not wait for SESSION_END, and do not reconnect.", evidence, values);
            case { Kind: ProbeFrameKind.Dropped }:
                return Point(ProbePointIds.SessionEnd, Question, "dropped", $"The connection was lost after the end request{(end is null ? string.Empty : " and SESSION_END")}, without a close frame.",
                    "After the end request, treat a lost connection as the end.", evidence, values);
            default:
                return end is not null
                    ? Point(ProbePointIds.SessionEnd, Question, "session-end-socket-open", "SESSION_END came, and the server left the socket open.",
                        "Close the socket yourself after SESSION_END.", evidence, values)
                    : Point(ProbePointIds.SessionEnd, Question, ProbePoint.Undecided, "Neither SESSION_END nor a close came in time.", Open, evidence, values);
        }
    }

    private static ProbePoint EndedSessionHandshake(ProbeObservations seen)
    {
        const string Question = "What does a reconnect to an ended session get: HTTP 404 on the handshake, a 4001 close, or something else?";
        const string Open = "Treat 404 on the handshake and a 4001 close alike: the session is gone, start a new one.";
        if (seen.AfterEnd is not { } result)
        {
            return NotReached(ProbePointIds.EndedSessionHandshake, Question, "after-end", Open);
        }

        var evidence = new List<string>();
        if (result.Socket is null)
        {
            evidence.Add(result.DescribeRefusal());
            return result.Status is { } status
                ? Point(ProbePointIds.EndedSessionHandshake, Question, $"http-{status}", $"The handshake was refused with HTTP {status}.",
                    status == 404 ? "A 404 on the handshake means the session is gone: create a new one, do not retry." : $"HTTP {status} on the handshake means the session is gone: create a new one.",
                    evidence, new Dictionary<string, string>(StringComparer.Ordinal) { ["status"] = status.ToString(Invariant) })
                : Point(ProbePointIds.EndedSessionHandshake, Question, ProbePoint.Undecided, $"The handshake failed without an HTTP status ({result.Failure}).", Open, evidence);
        }

        evidence.Add("handshake accepted");
        evidence.AddRange(seen.AfterEndFrames);
        if (seen.AfterEndClose is { Kind: ProbeFrameKind.Closed } closed)
        {
            evidence.Add(closed.Describe());
            var status = N(closed.CloseStatus);
            var replayed = seen.AfterEndFrames.Count > 0 ? $" after {seen.AfterEndFrames.Count} frame(s)" : string.Empty;
            return Point(ProbePointIds.EndedSessionHandshake, Question, $"close-{status}", $"The handshake was accepted, then the server closed with {status}{replayed}.",
                closed.CloseStatus == 4001
                    ? "A 4001 close right after the handshake means the session is gone: create a new one, do not reconnect."
                    : $"A {status} close right after the handshake means the session is gone: do not reconnect.",
                evidence, new Dictionary<string, string>(StringComparer.Ordinal) { ["close_status"] = status, ["frames_before_close"] = seen.AfterEndFrames.Count.ToString(Invariant) });
        }

        if (seen.AfterEndClose is { Kind: ProbeFrameKind.Dropped })
        {
            evidence.Add("connection lost without a close frame");
            return Point(ProbePointIds.EndedSessionHandshake, Question, "dropped", "The handshake was accepted, then the connection was lost without a close frame.",
                "A reconnect to an ended session looks like a network failure: cap the reconnects.", evidence);
        }

        return Point(ProbePointIds.EndedSessionHandshake, Question, "open", "The handshake was accepted and the socket stayed open.",
            "An ended session still accepts sockets: a client must remember that it ended.", evidence);
    }

    private static ProbePoint ExpiredSession() => Point(
        ProbePointIds.ExpiredSession,
        "What does a reconnect to a session that expired (about 10 minutes without activity) get?",
        ProbePoint.Undecided,
        "Not probed: a session expires only after about 10 minutes without a client frame, longer than a probe runs. The docs say HTTP 404 'session not found' (PROTOCOL.md §5e).",
        "Treat an expired session like an ended one: create a new session.");

    private static ProbePoint AbruptDrops(ProbeObservations seen)
    {
        const string Question = "Does the server drop sockets without a close frame during a conversation?";
        if (seen.Drops.Count == 0)
        {
            return Point(ProbePointIds.AbruptDrops, Question, ProbePoint.Undecided, "No socket was dropped in this run; a short run cannot show that the server never drops one.",
                "Reconnect with the cursor on a lost connection, as on any network failure.");
        }

        return Point(ProbePointIds.AbruptDrops, Question, "drops-seen", $"{seen.Drops.Count} connection(s) ended without a close frame, at no request of the probe.",
            "Expect drops in the middle of a conversation: reconnect with the cursor and let the replay fill what was lost.", seen.Drops,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["drops"] = seen.Drops.Count.ToString(Invariant) });
    }

    private static ProbePoint ReplayShapes(ProbeObservations seen)
    {
        const string Question = "Can replayed events lack payload fields the docs call required (e.g. a POLY_AGENT_MESSAGE with an empty payload)?";
        const string ForClients = "Read replayed payloads leniently: a missing field is not a reason to drop the whole batch.";
        if (seen.FullReplay is not { Complete: true } full)
        {
            return Point(ProbePointIds.ReplayShapes, Question, ProbePoint.Undecided, "No complete history replay was read.", ForClients);
        }

        var events = full.Events.ToList();
        var odd = events.Select(e => (Event: e, Missing: Missing(e))).Where(p => p.Missing.Count > 0).ToList();
        return odd.Count > 0
            ? Point(ProbePointIds.ReplayShapes, Question, "lenient", $"{odd.Count} of {events.Count} replayed events lacked documented fields.",
                "Replayed events can lack documented fields: read them leniently and skip only what is unusable.",
                odd.Select(p => $"missing {string.Join(", ", p.Missing)}: {p.Event.Describe()}"))
            : Point(ProbePointIds.ReplayShapes, Question, "documented", $"All {events.Count} replayed events had their documented fields.", ForClients);
    }

    private static List<string> Missing(ProbeEvent value)
    {
        string[] required = value.Type switch
        {
            "EVENT_TYPE_POLY_AGENT_MESSAGE" or "EVENT_TYPE_LIVE_AGENT_MESSAGE" => ["message_id", "text"],
            "EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK" => ["message_id", "chunk_index", "is_complete"],
            "EVENT_TYPE_USER_MESSAGE" => ["text"],
            "EVENT_TYPE_SESSION_START" => ["capabilities"],
            "EVENT_TYPE_SESSION_END" => ["reason"],
            "EVENT_TYPE_SYSTEM_MESSAGE" => ["level", "message"],
            _ => [],
        };
        var missing = new List<string>();
        if (value.Payload.ValueKind != JsonValueKind.Object)
        {
            missing.Add("payload");
            return missing;
        }

        missing.AddRange(required.Where(name => !value.PayloadHas(name)));
        if (value.Id is null)
        {
            missing.Add("id");
        }

        return missing;
    }
}
