using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace PolyChat.Testing.Probing;

// What the server does with the client's frames: heartbeat echoes, errors, metadata and streamed replies in the replay, echoes, re-sends.
internal static partial class ProbeJudge
{
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
}
