using System;
using System.Runtime.CompilerServices;

namespace PolyChat.Protocol;

/// <summary>
/// The ready outputs, first in first out, in a ring allocated at construction.
/// </summary>
/// <remarks>
/// The sequencer sizes the ring for the most outputs a single call can produce. It grows, by
/// doubling, only when the application offers more events before taking the ready ones, and then
/// only to hold what the application itself has not yet taken; it never shrinks.
/// <para>
/// An event queued while the queue is empty, the in-order case where every output is taken right
/// after it is queued, is kept in two fields instead of the ring. It is written and read a field at
/// a time, so the read is forwarded from the pending stores, where copying a whole ring slot back
/// out right after writing it field by field would stall. It is always the oldest output: the ring
/// is empty when it is set, and it is taken before the ring.
/// </para>
/// </remarks>
/// <typeparam name="TEvent">The application's event type.</typeparam>
internal sealed class OutputQueue<TEvent>
{
    private SequencerOutput<TEvent>[] _items;
    private int _head;
    private int _count;
    private TEvent _frontEvent = default!;
    private long _frontSequence;
    private bool _hasFront;

    /// <summary>Creates a queue with room for <paramref name="capacity"/> outputs.</summary>
    public OutputQueue(int capacity)
    {
        _items = new SequencerOutput<TEvent>[capacity];
    }

    /// <summary>Gets the number of queued outputs.</summary>
    public int Count => _hasFront ? _count + 1 : _count;

    /// <summary>Appends an event output; equivalent to <see cref="Enqueue"/> of <see cref="SequencerOutput{TEvent}.ForEvent"/>.</summary>
    public void EnqueueEvent(TEvent item, long sequence)
    {
        if (_count == 0 && !_hasFront)
        {
            _frontEvent = item;
            _frontSequence = sequence;
            _hasFront = true;
            return;
        }

        Enqueue(SequencerOutput<TEvent>.ForEvent(item, sequence));
    }

    /// <summary>Appends an output.</summary>
    public void Enqueue(in SequencerOutput<TEvent> output)
    {
        SequencerOutput<TEvent>[] items = _items;
        if (_count == items.Length)
        {
            Grow();
            items = _items;
        }

        int tail = _head + _count;
        if (tail >= items.Length)
        {
            tail -= items.Length;
        }

        items[tail] = output;
        _count++;
    }

    /// <summary>Takes the oldest output, if any.</summary>
    public bool TryDequeue(out SequencerOutput<TEvent> output)
    {
        if (_hasFront)
        {
            output = SequencerOutput<TEvent>.ForEvent(_frontEvent, _frontSequence);
            if (RuntimeHelpers.IsReferenceOrContainsReferences<TEvent>())
            {
                _frontEvent = default!;
            }

            _hasFront = false;
            return true;
        }

        if (_count == 0)
        {
            output = default;
            return false;
        }

        SequencerOutput<TEvent>[] items = _items;
        int head = _head;
        ref SequencerOutput<TEvent> slot = ref items[head];
        output = SequencerOutput<TEvent>.CopyOf(ref slot);
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TEvent>())
        {
            // Once taken, the event belongs to the application; the queue must not keep it alive.
            slot = default;
        }

        _head = head + 1 == items.Length ? 0 : head + 1;
        _count--;
        return true;
    }

    private void Grow()
    {
        var larger = new SequencerOutput<TEvent>[_items.Length * 2];
        int firstPart = Math.Min(_count, _items.Length - _head);
        Array.Copy(_items, _head, larger, 0, firstPart);
        Array.Copy(_items, 0, larger, firstPart, _count - firstPart);
        _items = larger;
        _head = 0;
    }
}
