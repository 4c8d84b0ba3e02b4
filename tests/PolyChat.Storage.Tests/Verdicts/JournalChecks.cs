using System;
using System.Collections.Generic;
using System.Linq;
using PolyChat.Protocol;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Streaming;
using PolyChat.Testing;

namespace PolyChat.Storage.Tests.Verdicts;

/// <summary>
/// What an application took of a conversation, checked against the simulator's journal and frame record: the checks the
/// crash campaign and the cluster's failover tests share. <c>verb</c> names what the application did with an event
/// ("handled", "delivered") in the problems found.
/// </summary>
internal static class JournalChecks
{
    /// <summary>
    /// Every journaled event was taken, but for a second copy of a message the server stored twice and, when the session
    /// ended underfoot (the server lets no one reconnect to an ended session, §5g), the end's own events after the last
    /// one taken. Returns the client_event_ids the server stored.
    /// </summary>
    public static HashSet<string> CheckJournal(SimulatorSession server, IReadOnlySet<string> taken, bool endedUnderfoot, long lastTaken, string verb, List<string> problems)
    {
        var echoed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var journaled in server.Journal)
        {
            var clientEventId = journaled.Metadata?.Custom is { } custom && custom.TryGetValue(DeliveryTracker.ClientEventIdKey, out var id) ? id : null;
            var extraCopy = clientEventId is not null && journaled.Direction == EventDirection.Both && !echoed.Add(clientEventId);
            var unreachable = endedUnderfoot && journaled.Sequence > lastTaken && journaled is HeartbeatEvent or UserEndSessionEvent or SessionEndEvent;
            if (journaled.Id is { } eventId && !extraCopy && !unreachable && !taken.Contains(eventId))
            {
                problems.Add($"Journaled {journaled.Type.Value} {eventId} (sequence {journaled.Sequence}) was never {verb}.");
            }
        }

        return echoed;
    }

    /// <summary>In order: the sequences, each at its first taking, only grow.</summary>
    public static void CheckOrder(IReadOnlyList<long> sequences, string verb, List<string> problems)
    {
        for (var i = 1; i < sequences.Count; i++)
        {
            if (sequences[i] <= sequences[i - 1])
            {
                problems.Add($"Sequence {sequences[i]} was {verb} after {sequences[i - 1]}.");
            }
        }
    }

    /// <summary>Every streamed reply the journal holds was taken assembled, but for one an end underfoot put out of reach.</summary>
    public static void CheckReplies(SimulatorSession server, IReadOnlySet<string> taken, bool endedUnderfoot, long lastTaken, string verb, List<string> problems)
    {
        foreach (var reply in server.Journal.OfType<PolyAgentMessageChunkEvent>().GroupBy(c => c.Payload.MessageId))
        {
            if ((!endedUnderfoot || reply.All(c => c.Sequence <= lastTaken)) && !taken.Contains(StreamingMessage.AssembledIdPrefix + reply.Key))
            {
                problems.Add($"The streamed reply {reply.Key} was never {verb} assembled.");
            }
        }
    }

    /// <summary>A message went out at most 4 times in all, and never after its deadline; returns its frames.</summary>
    public static List<ReceivedClientFrame> CheckSends(SimulatorSession server, string clientEventId, TimeSpan deadline, List<string> problems)
    {
        var sends = server.ReceivedFrames.Where(f => f.ClientEventId == clientEventId).ToList();
        if (sends.Count > 4)
        {
            problems.Add($"{clientEventId} was sent {sends.Count} times.");
        }

        if (sends.Count > 1 && sends[^1].ReceivedAt - sends[0].ReceivedAt > deadline)
        {
            problems.Add($"{clientEventId} was still sent {sends[^1].ReceivedAt - sends[0].ReceivedAt} after its first send (deadline {deadline}).");
        }

        return sends;
    }
}
