using System.Collections.Generic;
using System.Diagnostics;

namespace PolyChat.Protocol.Sequencing;

/// <summary>
/// The most recent <c>capacity</c> distinct ids, forgotten oldest first: a set for lookups and a
/// queue of the same ids in the order they were added.
/// </summary>
/// <remarks>
/// Both start empty and grow with use, to at most about twice the capacity's worth of slots (the BCL's
/// growth steps), however many ids pass through; once they have grown, remembering an id and
/// forgetting the oldest allocates nothing. The set's hashing is seeded per process
/// (<see cref="EventKey.GetHashCode"/>), so a peer cannot aim ids at one bucket.
/// </remarks>
internal sealed class EventKeyWindow
{
    private readonly int _capacity;
    private readonly HashSet<EventKey> _members = [];
    private readonly Queue<EventKey> _order = new();

    /// <summary>Creates a window that remembers up to <paramref name="capacity"/> ids; it allocates no room for them yet.</summary>
    public EventKeyWindow(int capacity)
    {
        Debug.Assert(capacity >= 1, "The options validate their bounds.");
        _capacity = capacity;
    }

    /// <summary>Gets the number of remembered ids.</summary>
    public int Count => _order.Count;

    /// <summary>Determines whether <paramref name="id"/> is among the remembered ids.</summary>
    public bool Contains(EventKey id) => _members.Contains(id);

    /// <summary>
    /// Remembers <paramref name="id"/> unless it is remembered already; forgets the oldest id if the
    /// window was full.
    /// </summary>
    /// <returns><see langword="false"/> when the id was already remembered (nothing changes).</returns>
    public bool TryAdd(EventKey id)
    {
        Debug.Assert(!id.IsEmpty, "Events without an id are not deduplicated by id.");

        if (!_members.Add(id))
        {
            return false;
        }

        // The oldest leaves the queue before the newest joins, so the queue never needs room for more
        // than the capacity; the set holds one id more for this moment.
        if (_order.Count == _capacity)
        {
            _members.Remove(_order.Dequeue());
        }

        _order.Enqueue(id);
        return true;
    }

    /// <summary>Remembers <paramref name="id"/>, which must not be remembered already, forgetting the oldest id if the window is full.</summary>
    public void Add(EventKey id)
    {
        if (!TryAdd(id))
        {
            Debug.Fail("Callers check Contains first.");
        }
    }
}
