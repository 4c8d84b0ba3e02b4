using System;
using System.Collections.Generic;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// The most recently settled messages, by <c>client_event_id</c>, so that an echo arriving after its message
/// settled is still recognised (<see cref="EchoMatch.ExtraCopy"/>, <see cref="EchoMatch.LateEcho"/>). Holds at most
/// <see cref="DeliveryOptions.SettledWindow"/> messages; the oldest is forgotten first.
/// </summary>
/// <remarks>
/// Not thread-safe: the tracker calls it under its lock. It starts empty and grows with use up to its capacity, so
/// an idle tracker costs two empty collections, not an array of the whole window.
/// </remarks>
internal sealed class SettledWindow(int capacity)
{
    private readonly Queue<TrackedMessage> _order = new();
    private readonly Dictionary<string, TrackedMessage> _byId = new(StringComparer.Ordinal);

    /// <summary>How many messages are remembered.</summary>
    public int Count => _order.Count;

    /// <summary>
    /// Remembers a settled message, forgetting the oldest one when the window is full. With a capacity of zero the
    /// message itself is forgotten at once.
    /// </summary>
    /// <returns>The message forgotten to make room, or the message itself when the capacity is zero; null when none.</returns>
    public TrackedMessage? Remember(TrackedMessage message)
    {
        if (capacity == 0)
        {
            return message;
        }

        TrackedMessage? forgotten = null;
        if (_order.Count == capacity)
        {
            forgotten = _order.Dequeue();

            // The id may have been taken over by a newer message re-sent under it: only this message's entry goes.
            if (_byId.TryGetValue(forgotten.ClientEventId, out var current) && ReferenceEquals(current, forgotten))
            {
                _byId.Remove(forgotten.ClientEventId);
            }
        }

        _order.Enqueue(message);
        _byId[message.ClientEventId] = message;
        return forgotten;
    }

    /// <summary>Finds a remembered message by its <c>client_event_id</c>; the latest one when an id was re-sent.</summary>
    public bool TryGet(string clientEventId, out TrackedMessage message) => _byId.TryGetValue(clientEventId, out message!);
}
