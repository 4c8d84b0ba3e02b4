using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace PolyChat.Testing.Probing;

// The replay: batches, empty batches, SESSION_START on resume, cursors past the end, sequence holes, the batch wrapper.
internal static partial class ProbeJudge
{
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
}
