using System;
using System.Collections.Generic;
using System.Linq;
using PolyChat.Storage.Tests.Verdicts;
using PolyChat.Testing;

namespace PolyChat.Orleans.Tests;

/// <summary>
/// The promises for one chat, checked against the simulator's journal and frame record: every event delivered,
/// in order, only the event in hand at a kill again and at most once per kill (none without one); every message
/// the app asked for answered Sent or Failed, sent at most 4 times, never after its deadline, and its receipt in time.
/// </summary>
internal static class ClusterVerdict
{
    // RetryDelay 1 s (SiloFate): attempts at 0, 1, 2 and 4 s, failed at 7 s; a send's trip adds a little.
    public static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(7000 + 500);

    // A chat without a live owner waits for the killed silo to be declared dead and for the dead owner's lease; a call
    // through a dead gateway waits for the client's response timeout (10 s) before it is repeated.
    public static readonly TimeSpan FailoverAllowance = TimeSpan.FromSeconds(20);

    // A receipt away from any kill: the deadline, plus the grain calls' own time on a machine loaded by other tests.
    public static readonly TimeSpan TransportAllowance = TimeSpan.FromSeconds(5);

    // A kill is recorded when it starts; the silo's grains can reach the app until it has stopped.
    private static readonly TimeSpan KillDuration = TimeSpan.FromSeconds(5);

    /// <param name="chat">What the app saw of the chat.</param>
    /// <param name="server">The simulator's record of the chat.</param>
    /// <param name="disruptions">When silos were killed or stopped: any call in flight through one (the chat's owner, or the
    /// app client's gateway) waits for its timeout and is repeated, so a receipt around one may come later.</param>
    public static List<string> Check(ChatRecord chat, SimulatorSession server, IReadOnlyList<DateTimeOffset> disruptions)
    {
        var problems = new List<string>();
        var deliveries = chat.Deliveries;
        var deliveredIds = deliveries.Select(d => d.Event.Id).ToHashSet(StringComparer.Ordinal);
        var endHandled = deliveries.Any(d => d.Event.Type == "EVENT_TYPE_SESSION_END");
        var endedUnderfoot = !endHandled && chat.EndedUnderfoot && server.ReceivedFrames.Any(f => f.Type == "EVENT_TYPE_USER_END_SESSION");
        var lastDelivered = deliveries.Select(d => d.Event.Sequence).OfType<long>().DefaultIfEmpty(0).Max();
        if (!endHandled && !endedUnderfoot)
        {
            problems.Add("SESSION_END was never delivered, and the chat did not end underfoot.");
        }

        // Every journaled event delivered, but for a copy of a message the server stored twice, and, after an end that
        // a failover met, the end's own events.
        var echoed = JournalChecks.CheckJournal(server, deliveredIds, endedUnderfoot, lastDelivered, "delivered", problems);

        // Only the event in hand at a kill may come again, once per such kill: it was delivered before the kill (or while
        // the killed silo stopped) and the chat's next event came after it. A kill of the silo that carried the push to
        // the app (its gateway) counts like a kill of the chat's owner: the push's answer was lost with it.
        foreach (var group in deliveries.GroupBy(d => d.Event.Id).Where(g => g.Count() > 1))
        {
            var first = group.First().At;
            var next = deliveries.FirstOrDefault(d => d.At > first && d.Event.Id != group.Key).At;
            var inHand = disruptions.Count(at => at >= first - KillDuration && (next == default || at <= next));
            if (group.Count() > 1 + inHand)
            {
                problems.Add($"{group.First().Event.Type} {group.Key} was delivered {group.Count()} times; it was in hand at {inHand} kills.");
            }
        }

        JournalChecks.CheckOrder([.. deliveries.DistinctBy(d => d.Event.Id).Select(d => d.Event.Sequence).OfType<long>()], "delivered", problems);
        JournalChecks.CheckReplies(server, deliveredIds, endedUnderfoot, lastDelivered, "delivered", problems);

        foreach (var (clientEventId, (receipt, acceptedAt, answeredAt)) in chat.Receipts)
        {
            JournalChecks.CheckSends(server, clientEventId, Deadline, problems);
            if (receipt is null)
            {
                if (!endedUnderfoot)
                {
                    problems.Add($"{clientEventId} got no receipt: the chat answered that it had ended ({chat.EndedWhy}).");
                }

                continue;
            }

            if (receipt.Status == ChatDeliveryStatus.Sent && !echoed.Contains(clientEventId))
            {
                problems.Add($"{clientEventId} was receipted Sent but the server never stored it.");
            }

            var inTime = Deadline + (disruptions.Any(at => at >= acceptedAt - Deadline && at <= answeredAt) ? FailoverAllowance : TransportAllowance);
            if (answeredAt - acceptedAt > inTime)
            {
                problems.Add($"{clientEventId}'s receipt ({receipt.Status}) came {answeredAt - acceptedAt} after the send (allowed {inTime}).");
            }
        }

        return problems;
    }
}
