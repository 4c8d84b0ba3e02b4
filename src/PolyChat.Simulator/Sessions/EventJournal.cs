using System;
using System.Collections.Generic;
using PolyChat.Protocol.Events;

namespace PolyChat.Simulator.Sessions;

/// <summary>
/// A session's permanent history: every non-transient event in the order it was published, with sequences
/// 1, 2, 3… assigned here so the journal is the only authority on them. Not thread-safe: the owning
/// session serialises access.
/// </summary>
internal sealed class EventJournal
{
    private readonly List<Event> _events = [];

    /// <summary>The highest sequence assigned so far (0 when empty).</summary>
    public long LastSequence => _events.Count;

    /// <summary>Appends a stamped event and gives it the next sequence.</summary>
    public Event Append(Event stamped)
    {
        if (stamped.IsTransient)
        {
            throw new ArgumentException("Transient events are never journaled.", nameof(stamped));
        }

        var sequenced = stamped with { Sequence = _events.Count + 1 };
        _events.Add(sequenced);
        return sequenced;
    }

    /// <summary>The events with a sequence greater than <paramref name="cursor"/>, oldest first.</summary>
    public IReadOnlyList<Event> After(long cursor)
    {
        var start = (int)Math.Clamp(cursor, 0, _events.Count);
        return _events.GetRange(start, _events.Count - start);
    }

    /// <summary>Whether any journaled event has the given type.</summary>
    public bool Contains(EventType type) => _events.Exists(e => e.Type == type);
}
