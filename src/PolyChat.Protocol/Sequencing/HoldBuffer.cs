using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace PolyChat.Protocol.Sequencing;

/// <summary>
/// Events that arrived ahead of the cursor, waiting for the gap below them to fill, up to
/// <c>capacity</c> of them. Its collections start empty and grow with use: memory depends on how many
/// events were held at once, never on the sequence numbers (a jump to 2^62 costs one entry like any other).
/// </summary>
/// <remarks>
/// <para>
/// A <see cref="PriorityQueue{TElement, TPriority}"/> on the sequence gives the lowest held event.
/// Two sets answer "is this sequence held?" and "is this id held?" for the sequencer's pre-parse check;
/// both hash with per-process seeds (<see cref="HashCode"/> for sequences, <see cref="EventKey.GetHashCode"/>
/// for ids). A queue of arrivals, in arrival order, gives the longest-held event for the gap timeout.
/// </para>
/// <para>
/// The arrival queue is not updated when an event leaves the heap. An entry is live while its
/// sequence is still held: held sequences are unique, and a released sequence is at or below the
/// cursor, so it is never held again (a cursor moved back by a reset finds the buffer empty, which
/// clears the queue). Dead entries are skipped at the front, and compacted away when they outnumber
/// the live ones, so the queue stays within about twice the most events held at once and the cost
/// per held event stays constant.
/// </para>
/// </remarks>
/// <typeparam name="TEvent">The application's event type.</typeparam>
internal sealed class HoldBuffer<TEvent>
{
    // Below this many arrival entries the queue is not worth compacting.
    private const int MinCompaction = 16;

    private readonly int _capacity;
    private readonly PriorityQueue<Held, long> _heap = new();
    private readonly HashSet<long> _sequences = new(SeededSequenceComparer.Instance);
    private readonly HashSet<EventKey> _ids = [];
    private readonly Queue<Arrival> _arrivals = new();

    /// <summary>Creates a buffer for up to <paramref name="capacity"/> events; it allocates no room for them yet.</summary>
    public HoldBuffer(int capacity)
    {
        Debug.Assert(capacity >= 1, "The options validate their bounds.");
        _capacity = capacity;
    }

    /// <summary>Gets the number of held events.</summary>
    public int Count => _heap.Count;

    /// <summary>Gets the largest number of events the buffer can hold.</summary>
    public int Capacity => _capacity;

    /// <summary>Gets the lowest held sequence. Only valid while <see cref="Count"/> is positive.</summary>
    public long MinSequence
    {
        get
        {
            bool any = _heap.TryPeek(out _, out long sequence);
            Debug.Assert(any, "An empty buffer has no lowest sequence.");
            return sequence;
        }
    }

    /// <summary>Determines whether an event with <paramref name="sequence"/> is held.</summary>
    public bool ContainsSequence(long sequence) => _sequences.Contains(sequence);

    /// <summary>Determines whether an event with <paramref name="id"/> is held.</summary>
    public bool ContainsId(EventKey id) => _ids.Contains(id);

    /// <summary>Holds an event. The sequence must not be held, and the buffer must not be full.</summary>
    public void Add(long sequence, EventKey id, TEvent item, long arrivalTimestamp)
    {
        Debug.Assert(_heap.Count < _capacity, "The sequencer declares a gap before the buffer overflows.");

        bool added = _sequences.Add(sequence);
        Debug.Assert(added, "The sequencer rejects a held sequence as a duplicate.");
        if (!id.IsEmpty)
        {
            _ids.Add(id);
        }

        _heap.Enqueue(new Held(id, item), sequence);

        if (_arrivals.Count >= 2 * Math.Max(_heap.Count, MinCompaction))
        {
            CompactArrivals();
        }

        _arrivals.Enqueue(new Arrival(sequence, arrivalTimestamp));
    }

    /// <summary>Takes out the event with the lowest sequence. Only valid while <see cref="Count"/> is positive.</summary>
    public void RemoveMin(out long sequence, out EventKey id, out TEvent item)
    {
        // The heap clears the slot it vacates, so a released event is not kept alive here.
        bool any = _heap.TryDequeue(out Held held, out sequence);
        Debug.Assert(any, "Nothing is held.");
        id = held.Id;
        item = held.Item;

        _sequences.Remove(sequence);
        if (!id.IsEmpty)
        {
            _ids.Remove(id);
        }

        if (_heap.Count == 0)
        {
            // Every arrival entry is dead once nothing is held.
            _arrivals.Clear();
        }
    }

    /// <summary>Finds the held event that arrived first, with the timestamp it arrived at.</summary>
    /// <returns><see langword="false"/> when nothing is held.</returns>
    public bool TryPeekOldest(out long sequence, out long arrivalTimestamp)
    {
        while (_arrivals.TryPeek(out Arrival oldest))
        {
            if (_sequences.Contains(oldest.Sequence))
            {
                sequence = oldest.Sequence;
                arrivalTimestamp = oldest.Timestamp;
                return true;
            }

            _arrivals.Dequeue();
        }

        sequence = 0;
        arrivalTimestamp = 0;
        return false;
    }

    /// <summary>Starts every held event's wait afresh at <paramref name="timestamp"/>, keeping their arrival order.</summary>
    public void RestartWaits(long timestamp)
    {
        for (int remaining = _arrivals.Count; remaining > 0; remaining--)
        {
            Arrival arrival = _arrivals.Dequeue();
            if (_sequences.Contains(arrival.Sequence))
            {
                _arrivals.Enqueue(arrival with { Timestamp = timestamp });
            }
        }
    }

    // Drops the dead entries, keeping the live ones in arrival order, in place.
    private void CompactArrivals()
    {
        for (int remaining = _arrivals.Count; remaining > 0; remaining--)
        {
            Arrival arrival = _arrivals.Dequeue();
            if (_sequences.Contains(arrival.Sequence))
            {
                _arrivals.Enqueue(arrival);
            }
        }
    }

    private readonly record struct Held(EventKey Id, TEvent Item);

    private readonly record struct Arrival(long Sequence, long Timestamp);

    // Sequences come off the network: long's own hash code is unseeded, so crafted sequences could pile
    // onto one bucket. HashCode is seeded per process.
    private sealed class SeededSequenceComparer : IEqualityComparer<long>
    {
        public static readonly SeededSequenceComparer Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long obj) => HashCode.Combine(obj);
    }
}
