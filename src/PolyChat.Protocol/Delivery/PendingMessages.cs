using System;
using System.Collections.Generic;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// The messages still waiting for their echo (<see cref="DeliveryStatus.Sending"/>), in the order they were first
/// sent, by <c>client_event_id</c>. Adding, removing and finding a message take constant time.
/// </summary>
/// <remarks>
/// Not thread-safe: the tracker calls it under its lock. Each message carries its own list node
/// (<see cref="TrackedMessage.PendingNode"/>), made with the message, so tracking one allocates nothing here once
/// the collections have grown to the session's peak.
/// </remarks>
internal sealed class PendingMessages
{
    private readonly LinkedList<TrackedMessage> _order = new();
    private readonly Dictionary<string, TrackedMessage> _byId = new(StringComparer.Ordinal);

    /// <summary>How many messages are pending.</summary>
    public int Count => _order.Count;

    /// <summary>The oldest pending message's node, to walk the list in send order; null when none is pending.</summary>
    /// <remarks>Take a node's <see cref="LinkedListNode{T}.Next"/> before removing its message.</remarks>
    public LinkedListNode<TrackedMessage>? First => _order.First;

    /// <summary>Adds a message after the others.</summary>
    /// <exception cref="ArgumentException">A pending message already has the id.</exception>
    public void Add(TrackedMessage message)
    {
        _byId.Add(message.ClientEventId, message);
        _order.AddLast(message.PendingNode);
    }

    /// <summary>Removes a pending message.</summary>
    public void Remove(TrackedMessage message)
    {
        _order.Remove(message.PendingNode);
        _byId.Remove(message.ClientEventId);
    }

    /// <summary>
    /// The next message owed an attempt, for a new connection to send: a join request first (PROTOCOL.md §6: a message
    /// that reaches the server before the agent joined is answered "Error: Conversation not found"), then the oldest.
    /// </summary>
    public TrackedMessage? FirstOwed()
    {
        TrackedMessage? oldest = null;
        for (var node = _order.First; node is not null; node = node.Next)
        {
            if (!node.Value.Owed)
            {
                continue;
            }

            if (node.Value.Event is RequestPolyAgentJoinEvent)
            {
                return node.Value;
            }

            oldest ??= node.Value;
        }

        return oldest;
    }

    /// <summary>Finds a pending message by its <c>client_event_id</c>.</summary>
    public bool TryGet(string clientEventId, out TrackedMessage message) => _byId.TryGetValue(clientEventId, out message!);
}
