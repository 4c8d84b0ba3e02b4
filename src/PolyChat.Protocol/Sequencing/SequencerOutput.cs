using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PolyChat.Protocol.Sequencing;

/// <summary>
/// One output taken from <see cref="EventSequencer{TEvent}.TryTake"/>: an event to hand to the
/// application, or a gap that tells it some sequences will not come.
/// </summary>
/// <typeparam name="TEvent">The application's event type.</typeparam>
public readonly struct SequencerOutput<TEvent>
{
    // 32 bytes for a reference-type event, so the ready queue copies and clears little. An event
    // keeps its sequence in _first; a gap keeps its run in _first.._last and its reason in _reason.
    private readonly TEvent _event;

    // Permanent events are delivered above a cursor that is never negative, so their sequence is at
    // least 1 and 0 is free to mean "transient" without widening the struct to a long?.
    private readonly long _first;
    private readonly long _last;
    private readonly byte _kind;
    private readonly byte _reason;

    private SequencerOutput(SequencerOutputKind kind, TEvent item, long first, long last, GapReason reason)
    {
        _kind = (byte)kind;
        _event = item;
        _first = first;
        _last = last;
        _reason = (byte)reason;
    }

    /// <summary>Gets whether this output is an event or a gap.</summary>
    public SequencerOutputKind Kind => (SequencerOutputKind)_kind;

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

            return _first == 0 ? null : _first;
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

            return new SequenceGap(_first, _last, (GapReason)_reason);
        }
    }

    /// <summary>Describes the output, for diagnostics.</summary>
    public override string ToString() => Kind switch
    {
        SequencerOutputKind.Event when _first == 0 => string.Create(CultureInfo.InvariantCulture, $"Event (transient): {_event}"),
        SequencerOutputKind.Event => string.Create(CultureInfo.InvariantCulture, $"Event {_first}: {_event}"),
        SequencerOutputKind.Gap => string.Create(CultureInfo.InvariantCulture, $"Gap {new SequenceGap(_first, _last, (GapReason)_reason)}"),
        _ => nameof(SequencerOutputKind.None),
    };

    internal static SequencerOutput<TEvent> ForEvent(TEvent item, long sequence) =>
        new(SequencerOutputKind.Event, item, sequence, 0, default);

    internal static SequencerOutput<TEvent> ForGap(SequenceGap gap) =>
        new(SequencerOutputKind.Gap, default!, gap.FirstMissing, gap.LastMissing, gap.Reason);

    [DoesNotReturn]
    private void ThrowNotKind(SequencerOutputKind expected) =>
        throw new InvalidOperationException($"This output is a {Kind}, not a {expected}; check Kind first.");
}
