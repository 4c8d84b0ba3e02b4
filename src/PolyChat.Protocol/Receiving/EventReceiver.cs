using System;
using System.Collections.Generic;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol;

/// <summary>
/// The inbound side of a session: frames in arrival order in, each event once and in order out.
/// It peeks each frame's envelope, drops duplicates and stale events before reading their payload,
/// reads the rest into typed events, flattens <c>EVENT_TYPE_EVENT_BATCH</c> replays, and orders
/// everything with an <see cref="EventSequencer{TEvent}"/>.
/// </summary>
/// <remarks>
/// <para>A malformed frame is reported (<see cref="FrameOutcome.Invalid"/> with the error) and changes
/// nothing: the session goes on. The batch wrapper's own envelope, whether present or not, is ignored;
/// its inner events carry the envelopes that count.</para>
/// <para>Not thread-safe: one receive loop owns an instance. A timer may call <see cref="Poll"/> only
/// from that same loop (or under the same lock).</para>
/// </remarks>
public sealed class EventReceiver
{
    private readonly EventSequencer<Event> _sequencer;
    private readonly int _maxFrameBytes = 1 << 20;

    /// <summary>Creates a receiver.</summary>
    /// <param name="options">Sequencer bounds, clock and starting cursor; defaults when null.</param>
    public EventReceiver(SequencerOptions? options = null) =>
        _sequencer = options is null ? new EventSequencer<Event>() : new EventSequencer<Event>(options);

    /// <summary>
    /// The largest frame accepted, in bytes; a larger one is <see cref="FrameOutcome.Invalid"/> without being read.
    /// Default 1 MiB: eight times PolyAI's 128 KB message limit, room for a large replay batch.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is below 64.</exception>
    public int MaxFrameBytes
    {
        get => _maxFrameBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64);
            _maxFrameBytes = value;
        }
    }

    /// <summary>The last delivered sequence: the <c>cursor</c> to reconnect with.</summary>
    public long Cursor => _sequencer.Cursor;

    /// <summary>Delivery, duplicate, stale and gap counts, including events dropped on the peek.</summary>
    public SequencerCounters Counters => _sequencer.Counters;

    /// <summary>How many frames were rejected as invalid.</summary>
    public long InvalidFrames { get; private set; }

    /// <summary>Takes one frame.</summary>
    /// <param name="utf8Frame">A WebSocket text frame's bytes.</param>
    /// <param name="error">For <see cref="FrameOutcome.Invalid"/>, why and where the frame is invalid.</param>
    /// <returns>What happened to the frame; drain <see cref="TryTake"/> afterwards.</returns>
    public FrameOutcome Receive(ReadOnlySpan<byte> utf8Frame, out PolyChatJsonException? error)
    {
        error = null;
        if (utf8Frame.Length > _maxFrameBytes)
        {
            InvalidFrames++;
            error = new PolyChatJsonException($"The frame is {utf8Frame.Length} bytes; at most {_maxFrameBytes} are accepted.", _maxFrameBytes);
            return FrameOutcome.Invalid;
        }

        EventEnvelope envelope;
        Event value;
        try
        {
            envelope = PolyChatJson.PeekEnvelope(utf8Frame);
            if (!envelope.IsBatch)
            {
                var decision = _sequencer.Check(envelope.Id, envelope.Sequence);
                if (decision is SequencerDecision.Duplicate or SequencerDecision.Stale)
                {
                    _sequencer.CountDropped(decision);
                    return decision == SequencerDecision.Duplicate ? FrameOutcome.Duplicate : FrameOutcome.Stale;
                }
            }

            value = PolyChatJson.Read(utf8Frame);
        }
        catch (PolyChatJsonException exception)
        {
            InvalidFrames++;
            error = exception;
            return FrameOutcome.Invalid;
        }

        if (value is EventBatchEvent batch)
        {
            OfferBatch(batch);
        }
        else
        {
            _sequencer.Offer(envelope.Id, value.Sequence, value);
        }

        return FrameOutcome.Accepted;
    }

    /// <summary>Takes the next output: an event to apply, or a gap to react to (reconnect with <see cref="Cursor"/>).</summary>
    /// <param name="output">The output.</param>
    /// <returns>Whether one was ready.</returns>
    public bool TryTake(out SequencerOutput<Event> output) => _sequencer.TryTake(out output);

    /// <summary>Declares gaps that have waited past the timeout; call it from the receive loop's timer.</summary>
    public void Poll() => _sequencer.Poll();

    /// <summary>At the end of a stream: declares the remaining gaps and releases every held event in order.</summary>
    public void Flush() => _sequencer.Flush();

    /// <summary>Once a replay has been received in full, moves past the sequences it lacks (see <see cref="EventSequencer{TEvent}.SkipAbsent"/>).</summary>
    /// <returns>How many sequences were skipped.</returns>
    internal long SkipAbsent() => _sequencer.SkipAbsent();

    private void OfferBatch(EventBatchEvent batch)
    {
        // Replay order is chronological, but the protocol asks clients to sort by sequence anyway,
        // with transient events (no sequence) last; the sort is stable so ties keep arrival order.
        var events = batch.Payload.Events;
        var ordered = new List<(int Index, Event Event)>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            ordered.Add((i, events[i]));
        }

        ordered.Sort(static (a, b) =>
        {
            var bySequence = (a.Event.Sequence, b.Event.Sequence) switch
            {
                ({ } x, { } y) => x.CompareTo(y),
                (null, null) => 0,
                (null, _) => 1,
                _ => -1,
            };
            return bySequence != 0 ? bySequence : a.Index.CompareTo(b.Index);
        });

        foreach (var (_, inner) in ordered)
        {
            var id = inner.Id is null ? default : EventId.FromString(inner.Id);
            _sequencer.Offer(id, inner.Sequence, inner);
        }
    }
}
