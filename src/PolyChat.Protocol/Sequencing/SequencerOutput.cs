using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PolyChat.Protocol;

/// <summary>
/// One output taken from <see cref="EventSequencer{TEvent}.TryTake"/>: an event to hand to the
/// application, or a gap that tells it some sequences will not come.
/// </summary>
/// <typeparam name="TEvent">The application's event type.</typeparam>
public readonly struct SequencerOutput<TEvent>
{
    private readonly TEvent _event;
    private readonly SequenceGap _gap;

    // Permanent events are delivered above a cursor that is never negative, so their sequence is at
    // least 1 and 0 is free to mean "transient" without widening the struct to a long?.
    private readonly long _sequence;

    private SequencerOutput(SequencerOutputKind kind, TEvent item, long sequence, SequenceGap gap)
    {
        Kind = kind;
        _event = item;
        _sequence = sequence;
        _gap = gap;
    }

    /// <summary>Gets whether this output is an event or a gap.</summary>
    public SequencerOutputKind Kind { get; }

    /// <summary>Gets the event. Valid when <see cref="Kind"/> is <see cref="SequencerOutputKind.Event"/>.</summary>
    /// <exception cref="InvalidOperationException">The output is not an event.</exception>
    public TEvent Event
    {
        get
        {
            if (Kind != SequencerOutputKind.Event)
            {
                ThrowNotKind(SequencerOutputKind.Event);
            }

            return _event;
        }
    }

    /// <summary>
    /// Gets the event's sequence, or <see langword="null"/> for a transient event. Valid when
    /// <see cref="Kind"/> is <see cref="SequencerOutputKind.Event"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The output is not an event.</exception>
    public long? Sequence
    {
        get
        {
            if (Kind != SequencerOutputKind.Event)
            {
                ThrowNotKind(SequencerOutputKind.Event);
            }

            return _sequence == 0 ? null : _sequence;
        }
    }

    /// <summary>Gets the gap. Valid when <see cref="Kind"/> is <see cref="SequencerOutputKind.Gap"/>.</summary>
    /// <exception cref="InvalidOperationException">The output is not a gap.</exception>
    public SequenceGap Gap
    {
        get
        {
            if (Kind != SequencerOutputKind.Gap)
            {
                ThrowNotKind(SequencerOutputKind.Gap);
            }

            return _gap;
        }
    }

    /// <summary>Describes the output, for diagnostics.</summary>
    public override string ToString() => Kind switch
    {
        SequencerOutputKind.Event when _sequence == 0 => string.Create(CultureInfo.InvariantCulture, $"Event (transient): {_event}"),
        SequencerOutputKind.Event => string.Create(CultureInfo.InvariantCulture, $"Event {_sequence}: {_event}"),
        SequencerOutputKind.Gap => string.Create(CultureInfo.InvariantCulture, $"Gap {_gap}"),
        _ => nameof(SequencerOutputKind.None),
    };

    internal static SequencerOutput<TEvent> ForEvent(TEvent item, long sequence) =>
        new(SequencerOutputKind.Event, item, sequence, default);

    internal static SequencerOutput<TEvent> ForGap(SequenceGap gap) =>
        new(SequencerOutputKind.Gap, default!, 0, gap);

    [DoesNotReturn]
    private void ThrowNotKind(SequencerOutputKind expected) =>
        throw new InvalidOperationException($"This output is a {Kind}, not a {expected}; check Kind first.");
}
