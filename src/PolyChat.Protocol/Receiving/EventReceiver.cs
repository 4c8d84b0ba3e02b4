using System;
using System.Collections.Generic;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Serialization;

namespace PolyChat.Protocol.Receiving;

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
/// <para>One bad inner event does not lose a batch (PROTOCOL.md §4c: each inner event is complete on its own;
/// PolyAI's SDK decoders read each separately too). When a well-formed batch has inner events that cannot be read,
/// the rest are delivered, the frame is <see cref="FrameOutcome.PartiallyAccepted"/>, and each bad event is reported
/// through <see cref="TryTakeRejected"/> with its index and the JSON path of the problem in the frame
/// (<c>$.payload.events[1].payload.text</c>). When its envelope (<c>id</c>, <c>sequence</c>) is readable, its
/// sequence counts as consumed rather than missing: the server sent it, so no gap is declared for it and no
/// reconnect is made to repair it. A batch that is not well-formed JSON, or has no <c>payload.events</c> array, is
/// rejected whole.</para>
/// <para>Not thread-safe: one receive loop owns an instance. A timer may call <see cref="Poll"/> only
/// from that same loop (or under the same lock).</para>
/// </remarks>
public sealed class EventReceiver
{
    /// <summary>How many rejection reports wait for <see cref="TryTakeRejected"/> at most; older ones are dropped (still counted).</summary>
    public const int MaxPendingRejections = 256;

    // Stands in the sequencer for an inner event that could not be read but whose sequence could: the sequence is
    // consumed in order, and TryTake skips the stand-in. Compared by reference only.
    private static readonly Event Unreadable = new UnknownEvent("unreadable", null);

    private readonly EventSequencer<Event> _sequencer;
    private readonly Queue<RejectedEvent> _rejected = new();
    private long _unreadableTaken;

    /// <summary>Creates a receiver.</summary>
    /// <param name="options">Sequencer bounds and starting cursor; defaults when null.</param>
    /// <param name="timeProvider">The clock for <see cref="SequencerOptions.GapTimeout"/>; <see cref="TimeProvider.System"/> when null.</param>
    public EventReceiver(SequencerOptions? options = null, TimeProvider? timeProvider = null) =>
        _sequencer = new EventSequencer<Event>(options, timeProvider);

    /// <summary>
    /// The largest frame accepted, in bytes; a larger one is <see cref="FrameOutcome.Invalid"/> without being read.
    /// Default 1 MiB: eight times PolyAI's 128 KB message limit, room for a large replay batch.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is below 64.</exception>
    public int MaxFrameBytes { get; init => field = OptionRules.InRange(value, 64, int.MaxValue); } = 1 << 20;

    /// <summary>The last delivered sequence: the <c>cursor</c> to reconnect with.</summary>
    public long Cursor => _sequencer.Cursor;

    /// <summary>
    /// Delivery, duplicate, stale and gap counts, including events dropped on the peek. The consumed sequences of
    /// unreadable inner events are not counted as delivered once <see cref="TryTake"/> has passed them.
    /// </summary>
    public SequencerCounters Counters
    {
        get
        {
            var counters = _sequencer.Counters;
            return counters with { Delivered = counters.Delivered - _unreadableTaken };
        }
    }

    /// <summary>How many frames were rejected as invalid.</summary>
    public long InvalidFrames { get; private set; }

    /// <summary>How many inner events of batches were rejected while the rest of their batch was delivered.</summary>
    public long InvalidEvents { get; private set; }

    /// <summary>Takes one frame.</summary>
    /// <param name="utf8Frame">A WebSocket text frame's bytes.</param>
    /// <param name="error">
    /// For <see cref="FrameOutcome.Invalid"/>, why and where the frame is invalid (the same error is also queued
    /// for <see cref="TryTakeRejected"/>); null otherwise.
    /// </param>
    /// <returns>
    /// What happened to the frame; drain <see cref="TryTake"/> afterwards, and <see cref="TryTakeRejected"/> after
    /// <see cref="FrameOutcome.Invalid"/> or <see cref="FrameOutcome.PartiallyAccepted"/>.
    /// </returns>
    public FrameOutcome Receive(ReadOnlySpan<byte> utf8Frame, out PolyChatJsonException? error) => ReceiveCore(utf8Frame, default, peeked: false, out error);

    /// <summary>Takes one frame whose envelope the caller has peeked already (a session deciding the end of its history), so it is peeked once.</summary>
    internal FrameOutcome ReceivePeeked(ReadOnlySpan<byte> utf8Frame, in EventEnvelope envelope, out PolyChatJsonException? error) =>
        ReceiveCore(utf8Frame, envelope, peeked: true, out error);

    private FrameOutcome ReceiveCore(ReadOnlySpan<byte> utf8Frame, EventEnvelope envelope, bool peeked, out PolyChatJsonException? error)
    {
        error = null;
        LastBatchHighestSequence = 0;
        if (utf8Frame.Length > MaxFrameBytes)
        {
            error = new PolyChatJsonException($"The frame is {utf8Frame.Length} bytes; at most {MaxFrameBytes} are accepted.", MaxFrameBytes);
            return RejectFrame(error);
        }

        Event value;
        try
        {
            if (!peeked)
            {
                envelope = PolyChatJson.PeekEnvelope(utf8Frame);
            }

            if (!envelope.IsBatch)
            {
                var check = _sequencer.Check(envelope.Id, envelope.Sequence);
                if (check != SequencerCheck.Accept)
                {
                    _sequencer.CountDropped(check);
                    return check == SequencerCheck.Duplicate ? FrameOutcome.Duplicate : FrameOutcome.Stale;
                }
            }

            value = PolyChatJson.Read(utf8Frame);
        }
        catch (PolyChatJsonException exception)
        {
            // A batch is read whole first (the common, fast case); only when that fails is each inner event read on
            // its own, so that one bad event does not lose the rest (§4c).
            if (envelope.IsBatch && ReceiveEventByEvent(utf8Frame))
            {
                return FrameOutcome.PartiallyAccepted;
            }

            error = exception;
            return RejectFrame(exception);
        }

        if (value is EventBatchEvent batch)
        {
            OfferBatch(batch);
        }
        else
        {
            OfferOne(envelope.Id, value.Sequence, value);
        }

        return FrameOutcome.Accepted;
    }

    /// <summary>Takes the next output: an event to apply, or a gap to react to (reconnect with <see cref="Cursor"/>).</summary>
    /// <param name="output">The output.</param>
    /// <returns>Whether one was ready.</returns>
    public bool TryTake(out SequencerOutput<Event> output)
    {
        while (_sequencer.TryTake(out output))
        {
            if (output.Kind == SequencerOutputKind.Event && ReferenceEquals(output.Event, Unreadable))
            {
                // An unreadable event's sequence, consumed in its place; it was reported when its frame arrived.
                _unreadableTaken++;
                continue;
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// Takes the next rejection report: a whole frame that was <see cref="FrameOutcome.Invalid"/>, or one inner event
    /// of a <see cref="FrameOutcome.PartiallyAccepted"/> batch (several per frame are possible). A session raises
    /// one rejection signal per report.
    /// </summary>
    /// <param name="rejected">The report.</param>
    /// <returns>Whether there was one.</returns>
    /// <remarks>At most <see cref="MaxPendingRejections"/> reports wait; older ones are dropped, still counted in <see cref="InvalidFrames"/> and <see cref="InvalidEvents"/>.</remarks>
    public bool TryTakeRejected(out RejectedEvent rejected) => _rejected.TryDequeue(out rejected);

    /// <summary>Declares gaps that have waited past the timeout; call it from the receive loop's timer.</summary>
    public void Poll() => _sequencer.Poll();

    /// <summary>At the end of a stream: declares the remaining gaps and releases every held event in order.</summary>
    public void Flush() => _sequencer.Flush();

    /// <summary>Once a replay has been received in full, moves past the sequences it lacks (see <see cref="EventSequencer{TEvent}.SkipAbsent"/>).</summary>
    /// <returns>How many sequences were skipped.</returns>
    /// <summary>Starts delivery after <paramref name="cursor"/> (a session's own cursor, which rules over <see cref="SequencerOptions.InitialCursor"/>).</summary>
    internal void StartAt(long cursor) => _sequencer.Reset(cursor);

    /// <summary>Remembers an event delivered by an earlier process, so a replayed copy is dropped (see <see cref="EventSequencer{TEvent}"/>).</summary>
    internal void Remember(string id, long? sequence) => _sequencer.Remember(EventKey.FromString(id), sequence is not null);

    /// <summary>The lowest held sequence, the top of the lowest hole; 0 when nothing is held.</summary>
    internal long LowestHeld => _sequencer.LowestHeld;

    /// <summary>Like <see cref="EventSequencer{TEvent}.SkipAbsent"/>, but only for sequences up to <paramref name="through"/>: what a replay that reached that far vouches for.</summary>
    internal long SkipAbsentThrough(long through) => _sequencer.SkipAbsentThrough(through);

    /// <summary>Pauses the sequencer's gap timeout (see <c>EventSequencer.PauseTimeouts</c>).</summary>
    internal void PauseGapTimeouts() => _sequencer.PauseTimeouts();

    /// <summary>Resumes the sequencer's gap timeout, each held event's wait starting now.</summary>
    internal void ResumeGapTimeouts() => _sequencer.ResumeTimeouts();

    /// <summary>The highest sequence among the inner events of the last frame, when it was a batch; 0 otherwise.</summary>
    internal long LastBatchHighestSequence { get; private set; }

    /// <summary>
    /// Told of each event read from a frame as it arrives, before it is ordered, whatever the sequencer makes of it
    /// (delivered now, held behind a hole, or dropped as a copy or as below the cursor): a session settles a message by
    /// its echo on arrival, since any echo proves the server has the message. Events dropped on the envelope peek
    /// alone are never read, so not told. Called under the caller's lock, so it should only note the event.
    /// </summary>
    internal Action<Event>? Arrived { get; set; }

    /// <summary>Releases every held event, declaring the sequences missing below them lost with <paramref name="reason"/>.</summary>
    internal void ReleaseHeld(GapReason reason) => _sequencer.ReleaseHeld(reason);

    private FrameOutcome RejectFrame(PolyChatJsonException error)
    {
        InvalidFrames++;
        Report(new RejectedEvent(error, BatchIndex: null, default, Sequence: null));
        return FrameOutcome.Invalid;
    }

    private void Report(RejectedEvent rejected)
    {
        if (_rejected.Count >= MaxPendingRejections)
        {
            _rejected.Dequeue();
        }

        _rejected.Enqueue(rejected);
    }

    /// <summary>
    /// Reads a batch that failed to read whole one inner event at a time, offers the readable ones (and the consumed
    /// sequences of unreadable ones) and reports the rest. False, changing nothing, when the batch is not well-formed
    /// or has no <c>payload.events</c> array, or when no inner event is bad (the fault is elsewhere in the frame).
    /// </summary>
    private bool ReceiveEventByEvent(ReadOnlySpan<byte> frame)
    {
        if (BatchElements.Find(frame) is not { } elements)
        {
            return false;
        }

        var entries = new List<(int Index, EventKey Id, long? Sequence, Event Event)>(elements.Count);
        var rejected = new List<RejectedEvent>();
        for (var index = 0; index < elements.Count; index++)
        {
            var (offset, length) = elements[index].GetOffsetAndLength(frame.Length);
            var element = frame.Slice(offset, length);
            try
            {
                var value = PolyChatJson.Read(element);
                entries.Add((index, IdOf(value), value.Sequence, value));
            }
            catch (PolyChatJsonException inner)
            {
                // The position is the element's plus the error's within it, so the path is the frame's.
                var position = offset + inner.BytePosition;
                var located = PolyChatJsonException.Located(inner.Reason, position, FrameLocation.Find(frame, position), inner);
                var (id, sequence) = EnvelopePeek.ReadIdAndSequence(element);
                rejected.Add(new RejectedEvent(located, index, id, sequence));
                if (sequence is not null)
                {
                    // The server sent this sequence: it is consumed in its place, not waited for as a gap.
                    entries.Add((index, id, sequence, Unreadable));
                }
            }
        }

        if (rejected.Count == 0)
        {
            return false;
        }

        InvalidEvents += rejected.Count;
        foreach (var report in rejected)
        {
            Report(report);
        }

        Offer(entries);
        return true;
    }

    private void OfferBatch(EventBatchEvent batch)
    {
        var events = batch.Payload.Events;
        var entries = new List<(int Index, EventKey Id, long? Sequence, Event Event)>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            entries.Add((i, IdOf(events[i]), events[i].Sequence, events[i]));
        }

        Offer(entries);
    }

    private void Offer(List<(int Index, EventKey Id, long? Sequence, Event Event)> entries)
    {
        // Replay order is chronological, but the protocol asks clients to sort by sequence anyway,
        // with transient events (no sequence) last; the sort is stable so ties keep arrival order.
        entries.Sort(static (a, b) =>
        {
            var bySequence = (a.Sequence, b.Sequence) switch
            {
                ({ } x, { } y) => x.CompareTo(y),
                (null, null) => 0,
                (null, _) => 1,
                _ => -1,
            };
            return bySequence != 0 ? bySequence : a.Index.CompareTo(b.Index);
        });

        foreach (var (_, id, sequence, value) in entries)
        {
            if (sequence is long replayed && replayed > LastBatchHighestSequence)
            {
                LastBatchHighestSequence = replayed;
            }

            OfferOne(id, sequence, value);
        }
    }

    /// <summary>Offers one event to the sequencer, and tells <see cref="Arrived"/> of it, whatever the sequencer decides.</summary>
    private void OfferOne(EventKey id, long? sequence, Event value)
    {
        _sequencer.Offer(id, sequence, value);
        if (!ReferenceEquals(value, Unreadable))
        {
            Arrived?.Invoke(value);
        }
    }

    private static EventKey IdOf(Event value) => value.Id is null ? default : EventKey.FromString(value.Id);
}
