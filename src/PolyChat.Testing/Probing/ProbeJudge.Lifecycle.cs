using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace PolyChat.Testing.Probing;

// Limits and the end: oversized frames, the connection limit, the session's end and what a reconnect gets after it, drops.
internal static partial class ProbeJudge
{
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
}
