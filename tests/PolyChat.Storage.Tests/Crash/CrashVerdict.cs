using System;
using System.Collections.Generic;
using System.Linq;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Storage;
using PolyChat.Storage.Tests.Verdicts;
using PolyChat.Testing;

namespace PolyChat.Storage.Tests.Crash;

/// <summary>
/// The issue's promises, checked against the simulator's journal and frame record after a crash run: every event
/// handled, each once apart from the one in hand at each kill, in order; every accepted message settled, never sent
/// more than the schedule's 4 attempts across restarts, and none after its deadline.
/// </summary>
internal static class CrashVerdict
{
    public static List<string> Check(CrashRun run, SimulatorSession server, StoredSession? stored, IReadOnlyList<string> messages, TimeSpan deadline)
    {
        var problems = new List<string>();
        var events = run.Lines.Where(l => l.Kind == "event").ToList();
        if (run.FinalExitCode is not (0 or 3))
        {
            problems.Add($"The last child did not finish the conversation (exit {run.FinalExitCode?.ToString() ?? "none: timed out"}).");
        }

        // A child killed after its end request reached the server leaves a session the server no longer lets anyone
        // reconnect to (§5g): what followed its last handled event is out of every client's reach.
        // The server refuses a reconnect to a session once it has ended (§5g): a child killed after its end request
        // reached the server, or one that reconnected (a gap repair) just as the end came, cannot get the end's events.
        // The child asks for the end only after handling the reply to its last message, so what can be lost so is the
        // end's own echo, SESSION_END, and a heartbeat echo that slipped in between; anything else still counts.
        var endedUnderfoot = run.FinalExitCode is 0 or 3
            && server.ReceivedFrames.Any(f => f.Type == "EVENT_TYPE_USER_END_SESSION")
            && !events.Any(e => e.Type == "EVENT_TYPE_SESSION_END");
        var lastHandled = events.Select(e => e.Sequence).OfType<long>().DefaultIfEmpty(0).Max();

        if (!endedUnderfoot && !events.Any(e => e.Type == "EVENT_TYPE_SESSION_END"))
        {
            problems.Add("SESSION_END was never handled.");
        }

        // Every journaled event was handled, but for a copy of a message the server stored twice (shown only as an ExtraCopy receipt).
        var handledIds = events.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        var echoed = JournalChecks.CheckJournal(server, handledIds, endedUnderfoot, lastHandled, "handled", problems);

        // Each once, apart from the one in hand at a kill, once per such kill.
        var inHand = run.Kills.Where(k => k.InHand is not null).GroupBy(k => k.InHand!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var group in events.GroupBy(e => e.EventId).Where(g => g.Count() > 1))
        {
            var allowed = 1 + inHand.GetValueOrDefault(group.Key);
            if (group.Count() > allowed)
            {
                problems.Add($"{group.First().Type} {group.Key} was handled {group.Count()} times; it was in hand at {allowed - 1} kills.");
            }
        }

        // In order: the first handling of each sequenced event follows the one before it.
        JournalChecks.CheckOrder([.. events.DistinctBy(e => e.EventId).Select(e => e.Sequence).OfType<long>()], "handled", problems);
        JournalChecks.CheckReplies(server, handledIds, endedUnderfoot, lastHandled, "handled", problems);

        // Every message: settled, at most 4 sends in all, none after its deadline.
        var failed = stored?.RecentlySettled.Where(s => s.Status == DeliveryStatus.Failed).Select(s => s.ClientEventId).ToHashSet() ?? [];
        foreach (var clientEventId in messages)
        {
            var sends = JournalChecks.CheckSends(server, clientEventId, deadline, problems);

            var accepted = run.Lines.Any(l => l.Kind == "accepted" && l.Field(0) == clientEventId) || sends.Count > 0;
            if (accepted && !echoed.Contains(clientEventId) && !failed.Contains(clientEventId) && !endedUnderfoot)
            {
                problems.Add($"{clientEventId} was accepted but neither echoed nor failed.");
            }
        }

        if (stored is { Outbox.Count: > 0 } && !endedUnderfoot)
        {
            problems.Add($"The store still holds {stored.Outbox.Count} unsettled messages: {string.Join(", ", stored.Outbox.Select(o => o.ClientEventId))}.");
        }

        return problems;
    }
}
