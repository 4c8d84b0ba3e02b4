using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace PolyChat.Protocol.Sequencing;

/// <summary>
/// The ready outputs, first in first out. It starts empty and grows with use: to the most outputs
/// one call produced, or more if the application offers events before taking the ready ones.
/// </summary>
/// <remarks>
/// An event queued while the queue is empty, the in-order case where every output is taken right
/// after it is queued, is kept in two fields instead of the queue: it is always the oldest output
/// (the queue is empty when it is set, and it is taken before the queue), and the in-order path never
/// touches the queue at all.
/// </remarks>
/// <typeparam name="TEvent">The application's event type.</typeparam>
internal sealed class OutputQueue<TEvent>
{
    private readonly Queue<SequencerOutput<TEvent>> _items = new();
    private TEvent _frontEvent = default!;
    private long _frontSequence;
    private bool _hasFront;

    /// <summary>Gets the number of queued outputs.</summary>
    public int Count => _hasFront ? _items.Count + 1 : _items.Count;

    /// <summary>Appends an event output; equivalent to <see cref="Enqueue"/> of <see cref="SequencerOutput{TEvent}.ForEvent"/>.</summary>
    public void EnqueueEvent(TEvent item, long sequence)
    {
        if (!_hasFront && _items.Count == 0)
        {
            _frontEvent = item;
            _frontSequence = sequence;
            _hasFront = true;
            return;
        }

        _items.Enqueue(SequencerOutput<TEvent>.ForEvent(item, sequence));
    }

    /// <summary>Appends an output.</summary>
    public void Enqueue(in SequencerOutput<TEvent> output) => _items.Enqueue(output);

    /// <summary>Takes the oldest output, if any.</summary>
    public bool TryDequeue(out SequencerOutput<TEvent> output)
    {
        if (_hasFront)
        {
            output = SequencerOutput<TEvent>.ForEvent(_frontEvent, _frontSequence);
            if (RuntimeHelpers.IsReferenceOrContainsReferences<TEvent>())
            {
                // Once taken, the event belongs to the application; the queue must not keep it alive.
                _frontEvent = default!;
            }

            _hasFront = false;
            return true;
        }

        // Queue<T> clears the slot it takes from.
        return _items.TryDequeue(out output);
    }
}
