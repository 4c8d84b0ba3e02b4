using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PolyChat.Protocol;

/// <summary>
/// Events that arrived ahead of the cursor, waiting for the gap below them to fill. Everything is
/// allocated at construction for <c>capacity</c> events, so memory depends on the limit and never
/// on the sequence numbers: a jump to 2^62 costs one slot like any other.
/// </summary>
/// <remarks>
/// <para>
/// A binary min-heap on the sequence gives the lowest held event in O(1) and takes it out in
/// O(log n). Two sets answer "is this sequence held?" and "is this id held?" in O(1) for the
/// sequencer's pre-parse check. A ring of arrivals, in arrival order, gives the longest-held event
/// for the gap timeout.
/// </para>
/// <para>
/// The arrival ring is not updated when an event leaves the heap. An entry is live while its
/// sequence is still held: held sequences are unique, and a released sequence can only be held
/// again after the buffer has been empty, which clears the ring. Dead entries are skipped at the
/// front and compacted away when the ring fills. The ring has twice the capacity of the heap, so a
/// compaction frees at least half of it and the cost per held event stays constant.
/// </para>
/// </remarks>
/// <typeparam name="TEvent">The application's event type.</typeparam>
internal sealed class HoldBuffer<TEvent>
{
    private readonly Entry[] _heap;
    private readonly OpenAddressingSet<long> _sequences;
    private readonly OpenAddressingSet<EventId> _ids;
    private readonly Arrival[] _arrivals;
    private int _count;
    private int _arrivalHead;
    private int _arrivalCount;

    /// <summary>Creates a buffer for up to <paramref name="capacity"/> events.</summary>
    public HoldBuffer(int capacity)
    {
        _heap = new Entry[capacity];
        _sequences = new OpenAddressingSet<long>(capacity);
        _ids = new OpenAddressingSet<EventId>(capacity);
        _arrivals = new Arrival[capacity * 2];
    }

    /// <summary>Gets the number of held events.</summary>
    public int Count => _count;

    /// <summary>Gets the largest number of events the buffer can hold.</summary>
    public int Capacity => _heap.Length;

    /// <summary>Gets the lowest held sequence. Only valid while <see cref="Count"/> is positive.</summary>
    public long MinSequence
    {
        get
        {
            Debug.Assert(_count > 0, "An empty buffer has no lowest sequence.");
            return _heap[0].Sequence;
        }
    }

    /// <summary>Determines whether an event with <paramref name="sequence"/> is held.</summary>
    public bool ContainsSequence(long sequence) => _count > 0 && _sequences.Contains(sequence);

    /// <summary>Determines whether an event with <paramref name="id"/> is held.</summary>
    public bool ContainsId(EventId id) => _count > 0 && _ids.Contains(id);

    /// <summary>Holds an event. The sequence must be positive and not held, and the buffer must not be full.</summary>
    public void Add(long sequence, EventId id, TEvent item, long arrivalTimestamp)
    {
        Debug.Assert(_count < _heap.Length, "The sequencer declares a gap before the buffer overflows.");
        Debug.Assert(sequence > 0, "Zero marks a vacant slot in the sequence set.");

        _sequences.Add(sequence);
        if (!id.IsEmpty)
        {
            _ids.Add(id);
        }

        int index = _count++;
        while (index > 0)
        {
            int parent = (index - 1) >> 1;
            if (_heap[parent].Sequence <= sequence)
            {
                break;
            }

            _heap[index] = _heap[parent];
            index = parent;
        }

        _heap[index] = new Entry(sequence, id, item);

        if (_arrivalCount == _arrivals.Length)
        {
            CompactArrivals();
        }

        _arrivals[(_arrivalHead + _arrivalCount) % _arrivals.Length] = new Arrival(sequence, arrivalTimestamp);
        _arrivalCount++;
    }

    /// <summary>Takes out the event with the lowest sequence. Only valid while <see cref="Count"/> is positive.</summary>
    public void RemoveMin(out long sequence, out EventId id, out TEvent item)
    {
        Debug.Assert(_count > 0, "Nothing is held.");

        Entry min = _heap[0];
        sequence = min.Sequence;
        id = min.Id;
        item = min.Item;

        _sequences.Remove(sequence);
        if (!id.IsEmpty)
        {
            _ids.Remove(id);
        }

        int last = --_count;
        Entry moving = _heap[last];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TEvent>())
        {
            // Released events belong to the application now; the buffer must not keep them alive.
            _heap[last] = default;
        }

        if (last > 0)
        {
            SiftDown(moving, last);
        }
        else
        {
            // Every arrival entry is dead once nothing is held; dropping them here keeps the
            // "live while its sequence is held" rule exact if a sequence is ever held again.
            _arrivalHead = 0;
            _arrivalCount = 0;
        }
    }

    /// <summary>Finds the held event that arrived first, with the timestamp it arrived at.</summary>
    /// <returns><see langword="false"/> when nothing is held.</returns>
    public bool TryPeekOldest(out long sequence, out long arrivalTimestamp)
    {
        while (_arrivalCount > 0)
        {
            Arrival oldest = _arrivals[_arrivalHead];
            if (_sequences.Contains(oldest.Sequence))
            {
                sequence = oldest.Sequence;
                arrivalTimestamp = oldest.Timestamp;
                return true;
            }

            _arrivalHead = (_arrivalHead + 1) % _arrivals.Length;
            _arrivalCount--;
        }

        sequence = 0;
        arrivalTimestamp = 0;
        return false;
    }

    private void SiftDown(Entry moving, int count)
    {
        int index = 0;
        while (true)
        {
            int child = (2 * index) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && _heap[child + 1].Sequence < _heap[child].Sequence)
            {
                child++;
            }

            if (moving.Sequence <= _heap[child].Sequence)
            {
                break;
            }

            _heap[index] = _heap[child];
            index = child;
        }

        _heap[index] = moving;
    }

    private void CompactArrivals()
    {
        int length = _arrivals.Length;
        int kept = 0;
        for (int read = 0; read < _arrivalCount; read++)
        {
            Arrival arrival = _arrivals[(_arrivalHead + read) % length];
            if (_sequences.Contains(arrival.Sequence))
            {
                _arrivals[(_arrivalHead + kept) % length] = arrival;
                kept++;
            }
        }

        _arrivalCount = kept;
    }

    private readonly record struct Entry(long Sequence, EventId Id, TEvent Item);

    private readonly record struct Arrival(long Sequence, long Timestamp);
}
