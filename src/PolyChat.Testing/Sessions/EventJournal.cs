using System;
using System.Collections.Generic;
using PolyChat.Protocol.Events;

namespace PolyChat.Testing.Sessions;

/// <summary>
/// A session's permanent history: every non-transient event in the order it was published, with increasing
/// sequences assigned here so the journal is the only authority on them. They are 1, 2, 3… unless the server
/// behaviour skips numbers (the docs promise only "monotonic", §1b). Not thread-safe: the owning session
/// serialises access.
/// </summary>
internal sealed class EventJournal
{
    private readonly List<Event> _events = [];

    /// <summary>The highest sequence assigned so far (0 when empty).</summary>
    public long LastSequence { get; private set; }

    /// <summary>How many events the journal holds.</summary>
    public int Count => _events.Count;

    /// <summary>Appends a stamped event and gives it the next sequence, after skipping <paramref name="skip"/> numbers.</summary>
    public Event Append(Event stamped, int skip = 0)
    {
        if (stamped.IsTransient)
        {
            throw new ArgumentException("Transient events are never journaled.", nameof(stamped));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        LastSequence += 1 + skip;
        var sequenced = stamped with { Sequence = LastSequence };
        _events.Add(sequenced);
        return sequenced;
    }

    /// <summary>The events with a sequence greater than <paramref name="cursor"/>, oldest first.</summary>
    public IReadOnlyList<Event> After(long cursor)
    {
        var start = 0;
        var end = _events.Count;
        while (start < end)
        {
            var middle = (start + end) >>> 1;
            if (_events[middle].Sequence!.Value <= cursor)
            {
                start = middle + 1;
            }
            else
            {
                end = middle;
            }
        }

        return _events.GetRange(start, _events.Count - start);
    }

    /// <summary>The first journaled event, or null.</summary>
    public Event? First => _events.Count > 0 ? _events[0] : null;

    /// <summary>Whether any journaled event has the given type.</summary>
    public bool Contains(EventType type) => _events.Exists(e => e.Type == type);
}
