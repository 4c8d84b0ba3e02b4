using System;
using System.Diagnostics;
using System.Threading;
using PolyChat.Protocol.Receiving;

namespace PolyChat.Protocol.Sequencing;

/// <summary>
/// Turns server events, in the order they arrive, into the order the application should apply
/// them: each event once, permanent events by ascending <c>sequence</c>, with explicit gaps where
/// events were lost.
/// </summary>
/// <typeparam name="TEvent">The application's event type; the sequencer only stores and returns it.</typeparam>
/// <remarks>
/// <para>
/// The server numbers history events with a <c>sequence</c> that rises within a session, and marks
/// transient events such as typing indicators with a null sequence. A reconnect replays everything
/// after the client's cursor, and replay may overlap live traffic and arrive out of order, so
/// events must be deduplicated by <c>id</c> and ordered by <c>sequence</c>
/// (<see href="https://docs.poly.ai/api-reference/messaging/events">events</see>,
/// <see href="https://docs.poly.ai/api-reference/messaging/websocket">reconnect and replay</see>).
/// </para>
/// <para>The rules, applied by <see cref="Offer"/>:</para>
/// <list type="bullet">
/// <item><description>
/// A transient event is ready at once, ahead of any held permanent events. Its id is remembered in
/// a window of <see cref="SequencerOptions.TransientIdWindow"/> ids to drop repeats.
/// </description></item>
/// <item><description>
/// A permanent event whose id was recently delivered or is held, or whose sequence is already held,
/// is a <see cref="SequencerDecision.Duplicate"/>. One at or below <see cref="Cursor"/> is
/// <see cref="SequencerDecision.Stale"/>. The next expected one (<c>Cursor + 1</c>) is
/// <see cref="SequencerDecision.Ready"/> together with any held events that follow it without a
/// break. One further ahead is <see cref="SequencerDecision.Held"/>.
/// </description></item>
/// <item><description>
/// Events without an id (<see cref="EventKey.IsEmpty"/>) skip the id checks and follow the sequence
/// rules. Transient and permanent ids are remembered separately.
/// </description></item>
/// <item><description>
/// Nothing held is ever dropped. When holding one more event would exceed
/// <see cref="SequencerOptions.MaxHeldEvents"/>, when a held event has waited
/// <see cref="SequencerOptions.GapTimeout"/>, or on <see cref="Flush"/>, the sequencer stops waiting:
/// it queues a gap output for the missing run, moves the cursor past it and releases the held
/// events above it in order.
/// </description></item>
/// </list>
/// <para>
/// Outputs are read with <see cref="TryTake"/>. A typical reader loop, per inner event of every frame
/// (batches flattened): <see cref="Offer"/> the event, then drain <see cref="TryTake"/> until it
/// returns <see langword="false"/>. A timer calls <see cref="Poll"/> so that gaps time out even when
/// no traffic arrives. (<see cref="EventReceiver"/> does all of this from frames, and drops duplicates
/// and stale events on the envelope before reading their payload.)
/// </para>
/// <para>
/// A new sequencer holds no room for ids or events (under a kilobyte): its id windows, hold buffer
/// and ready queue are BCL collections that grow with use, the windows and hold buffer to at most
/// about twice their configured bounds' worth of slots, whatever the sequence numbers or however many
/// ids pass through. The ready queue grows to the most outputs one call produced, or more if the
/// application offers events before taking the ready ones. Once they have grown, offering and taking
/// events, whether in order, held, transient or across gaps, allocates nothing for events whose ids
/// are canonical UUIDs (see <see cref="EventKey"/>; any other id allocates its string when its key is made).
/// </para>
/// <para>
/// This type is not thread-safe. One reader loop owns it; a timer that calls <see cref="Poll"/> must
/// run on that loop or synchronise with it.
/// </para>
/// </remarks>
public sealed class EventSequencer<TEvent>
{
    private bool _timeoutsPaused;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _gapTimeout;
    private readonly EventKeyWindow _transientIds;
    private readonly EventKeyWindow _deliveredIds;
    private readonly HoldBuffer<TEvent> _held;
    private readonly OutputQueue<TEvent> _ready;

    private long _cursor;
    private long _delivered;
    private long _duplicatesDropped;
    private long _staleDropped;
    private long _gapsDeclared;
    private int _maxHeld;

    /// <summary>Creates a sequencer.</summary>
    /// <param name="options">The settings, read once, here; the defaults when null.</param>
    /// <param name="timeProvider">The clock for <see cref="SequencerOptions.GapTimeout"/>; <see cref="TimeProvider.System"/> when null.</param>
    public EventSequencer(SequencerOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new SequencerOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _gapTimeout = options.GapTimeout;
        _transientIds = new EventKeyWindow(options.TransientIdWindow);
        _deliveredIds = new EventKeyWindow(options.DeliveredIdWindow);
        _held = new HoldBuffer<TEvent>(options.MaxHeldEvents);
        _ready = new OutputQueue<TEvent>();
        _cursor = options.InitialCursor;
    }

    /// <summary>
    /// Gets the last permanent sequence delivered or declared missing. Every later permanent event
    /// must have a higher sequence. Pass it as the <c>cursor</c> when reconnecting.
    /// </summary>
    public long Cursor => _cursor;

    /// <summary>Gets the number of events waiting for a gap below them to fill.</summary>
    public int HeldCount => _held.Count;

    /// <summary>The lowest held sequence: the top of the lowest hole; 0 when nothing is held.</summary>
    internal long LowestHeld => _held.Count == 0 ? 0 : _held.MinSequence;

    /// <summary>Gets the number of outputs waiting for <see cref="TryTake"/>.</summary>
    public int ReadyCount => _ready.Count;

    /// <summary>Gets a snapshot of the sequencer's counters.</summary>
    public SequencerCounters Counters =>
        new(_delivered, _duplicatesDropped, _staleDropped, _gapsDeclared, _maxHeld, _held.Count);

    /// <summary>
    /// Tells what <see cref="Offer"/> would do with an event, without changing anything, so that a
    /// reader can skip parsing the payload of a duplicate or stale event. Does not allocate.
    /// </summary>
    /// <param name="id">The event's id, or <c>default</c> if it has none.</param>
    /// <param name="sequence">The event's sequence, or <see langword="null"/> for a transient event.</param>
    /// <returns>
    /// <see cref="SequencerCheck.Duplicate"/> or <see cref="SequencerCheck.Stale"/> when an immediate
    /// <see cref="Offer"/> would drop it so; <see cref="SequencerCheck.Accept"/> when it would make it ready or hold it.
    /// </returns>
    internal SequencerCheck Check(EventKey id, long? sequence) => Classify(id, sequence);

    /// <summary>
    /// Counts an event the caller dropped because <see cref="Check"/> judged it a duplicate or stale,
    /// so that <see cref="Counters"/> include events rejected before their payload was read.
    /// </summary>
    /// <param name="check">The result <see cref="Check"/> returned.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="check"/> is not Duplicate or Stale.</exception>
    internal void CountDropped(SequencerCheck check)
    {
        switch (check)
        {
            case SequencerCheck.Duplicate:
                _duplicatesDropped++;
                break;
            case SequencerCheck.Stale:
                _staleDropped++;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(check), check, "Only duplicate and stale events are dropped.");
        }
    }

    /// <summary>Gives the sequencer the next event in arrival order.</summary>
    /// <param name="id">The event's id, or <c>default</c> if it has none.</param>
    /// <param name="sequence">The event's sequence, or <see langword="null"/> for a transient event.</param>
    /// <param name="item">The event, stored until it is taken.</param>
    /// <returns>What was done with the event.</returns>
    /// <remarks>
    /// The event is judged against the state before this call; then held events that have timed out
    /// are released, as <see cref="Poll"/> would.
    /// </remarks>
    public SequencerDecision Offer(EventKey id, long? sequence, TEvent item)
    {
        // The common case, the next event in order with nothing held: one set insertion that both checks and
        // records the id, and no hold-buffer or timeout work.
        long next = _cursor + 1;
        if (sequence.GetValueOrDefault() == next && sequence.HasValue && _held.Count == 0)
        {
            if (!id.IsEmpty && !_deliveredIds.TryAdd(id))
            {
                _duplicatesDropped++;
                return SequencerDecision.Duplicate;
            }

            _cursor = next;
            Emit(item, next);
            return SequencerDecision.Ready;
        }

        SequencerCheck check = Classify(id, sequence);
        if (check != SequencerCheck.Accept)
        {
            CountDropped(check);
            ReleaseExpired();
            return check == SequencerCheck.Duplicate ? SequencerDecision.Duplicate : SequencerDecision.Stale;
        }

        SequencerDecision decision = sequence is long permanent ? Admit(id, permanent, item) : AdmitTransient(id, item);
        ReleaseExpired();

        // An event held just now can be released by the expiry of an older one above it.
        if (decision == SequencerDecision.Held && sequence <= _cursor)
        {
            decision = SequencerDecision.Ready;
        }

        return decision;
    }

    /// <summary>Takes the next ready output: an event, or a gap that comes before the events that follow it.</summary>
    /// <param name="output">The output, when there is one.</param>
    /// <returns><see langword="false"/> when nothing is ready.</returns>
    public bool TryTake(out SequencerOutput<TEvent> output) => _ready.TryDequeue(out output);

    /// <summary>
    /// Declares gaps below held events that have waited <see cref="SequencerOptions.GapTimeout"/> or
    /// longer, and releases them. Call it from a timer; <see cref="Offer"/> does the same check.
    /// </summary>
    public void Poll() => ReleaseExpired();

    /// <summary>
    /// Releases every held event in order, declaring each missing run below them as a
    /// <see cref="GapReason.Flush"/> gap. Call it when no more events will come, for example after
    /// <c>SESSION_END</c>; the sequencer stays usable afterwards.
    /// </summary>
    /// <remarks>
    /// Missing events above the highest held one cannot be detected, so no gap is declared for them.
    /// </remarks>
    public void Flush() => ReleaseHeld(GapReason.Flush);

    /// <summary>
    /// <see cref="SkipAbsent"/> for the sequences up to <paramref name="through"/> only: a replay vouches for the
    /// numbers below the highest one it held (it comes oldest first), not for those between it and a live event.
    /// </summary>
    /// <returns>How many sequences were skipped.</returns>
    internal long SkipAbsentThrough(long through)
    {
        long before = _cursor;
        long heldBefore = _held.Count;
        ReleaseThrough(through, GapReason.NotInReplay);
        return _cursor - before - (heldBefore - _held.Count);
    }

    /// <summary>Releases every held event in order, declaring each missing run below them with <paramref name="reason"/>.</summary>
    internal void ReleaseHeld(GapReason reason) => ReleaseThrough(long.MaxValue, reason);

    /// <summary>
    /// Releases every held event in order, declaring each missing run below them as a
    /// <see cref="GapReason.NotInReplay"/> gap. Call it once the server's replay after <see cref="Cursor"/>
    /// has been offered in full: the replay holds every event after the cursor, so a sequence it lacks was
    /// never assigned, and waiting for it (or reconnecting again to ask for it) would stall for nothing.
    /// </summary>
    /// <returns>How many sequences were skipped (the total of the declared gaps' counts).</returns>
    public long SkipAbsent() => SkipAbsentThrough(long.MaxValue);

    /// <summary>
    /// Moves the cursor, keeping the id windows and counters, for example when the application
    /// switches to a cursor it obtained elsewhere. A reconnect that passes <see cref="Cursor"/> to
    /// the server needs no reset.
    /// </summary>
    /// <param name="cursor">The last sequence the application considers delivered; not negative.</param>
    /// <remarks>
    /// Held events are ordered relative to the old cursor, so the sequencer must hold none: call
    /// <see cref="Flush"/> first. Outputs not yet taken stay queued. Because the id windows are
    /// kept, moving the cursor back does not re-deliver events whose ids are still remembered.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cursor"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Events are held.</exception>
    public void Reset(long cursor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cursor);
        if (_held.Count > 0)
        {
            throw new InvalidOperationException($"{_held.Count} events are held; call Flush before Reset.");
        }

        _cursor = cursor;
    }

    private SequencerCheck Classify(EventKey id, long? sequence)
    {
        if (sequence is not long permanent)
        {
            return !id.IsEmpty && _transientIds.Contains(id) ? SequencerCheck.Duplicate : SequencerCheck.Accept;
        }

        if (!id.IsEmpty && (_deliveredIds.Contains(id) || _held.ContainsId(id)))
        {
            return SequencerCheck.Duplicate;
        }

        if (permanent <= _cursor)
        {
            return SequencerCheck.Stale;
        }

        // Sequences are unique within a session, so an event at a held sequence is taken for a copy
        // of the held one even when its id is missing or differs; the first arrival is kept.
        return _held.ContainsSequence(permanent) ? SequencerCheck.Duplicate : SequencerCheck.Accept;
    }

    private SequencerDecision AdmitTransient(EventKey id, TEvent item)
    {
        if (!id.IsEmpty)
        {
            _transientIds.Add(id);
        }

        Emit(item, sequence: 0);
        return SequencerDecision.Ready;
    }

    private SequencerDecision Admit(EventKey id, long sequence, TEvent item)
    {
        Debug.Assert(sequence > _cursor, "Classify rejects stale sequences.");

        if (sequence != _cursor + 1 && _held.Count == _held.Capacity)
        {
            // Holding another event would break the bound: stop waiting for the lowest missing run.
            DeclareGapThrough(Math.Min(sequence, _held.MinSequence) - 1, GapReason.HeldLimit);
            ReleaseContiguous();
        }

        if (sequence == _cursor + 1)
        {
            Deliver(id, sequence, item);
            ReleaseContiguous();
            return SequencerDecision.Ready;
        }

        long arrival = _gapTimeout == Timeout.InfiniteTimeSpan ? 0 : _timeProvider.GetTimestamp();
        _held.Add(sequence, id, item, arrival);
        _maxHeld = Math.Max(_maxHeld, _held.Count);
        return SequencerDecision.Held;
    }

    /// <summary>
    /// Stops <see cref="SequencerOptions.GapTimeout"/> from declaring gaps, for instance while a session's reconnect
    /// replays what is missing: the wait for the replay is not the hole's fault.
    /// </summary>
    /// <summary>
    /// Remembers the id of an event delivered before this sequencer existed (a stored session's recent events), so a
    /// replayed copy of it is dropped as a duplicate.
    /// </summary>
    internal void Remember(EventKey id, bool sequenced)
    {
        var window = sequenced ? _deliveredIds : _transientIds;
        if (!id.IsEmpty && !window.Contains(id))
        {
            window.Add(id);
        }
    }

    internal void PauseTimeouts() => _timeoutsPaused = true;

    /// <summary>Lets <see cref="SequencerOptions.GapTimeout"/> run again, each held event's wait starting now.</summary>
    internal void ResumeTimeouts()
    {
        if (_timeoutsPaused)
        {
            _timeoutsPaused = false;
            _held.RestartWaits(_timeProvider.GetTimestamp());
        }
    }

    private void ReleaseExpired()
    {
        if (_held.Count == 0 || _gapTimeout == Timeout.InfiniteTimeSpan || _timeoutsPaused)
        {
            return;
        }

        // Releasing the longest-held event releases everything below it, so the next oldest is
        // checked against the same instant until one is young enough.
        long now = _timeProvider.GetTimestamp();
        while (_held.TryPeekOldest(out long sequence, out long arrival)
            && _timeProvider.GetElapsedTime(arrival, now) >= _gapTimeout)
        {
            ReleaseThrough(sequence, GapReason.Timeout);
        }
    }

    // Releases every held event up to and including `limit`, declaring the missing runs between
    // them, then the held events that follow without a break.
    private void ReleaseThrough(long limit, GapReason reason)
    {
        while (_held.Count > 0 && _held.MinSequence <= limit)
        {
            long next = _held.MinSequence;
            if (next != _cursor + 1)
            {
                DeclareGapThrough(next - 1, reason);
            }

            ReleaseLowest();
        }

        ReleaseContiguous();
    }

    private void ReleaseContiguous()
    {
        while (_held.Count > 0 && _held.MinSequence == _cursor + 1)
        {
            ReleaseLowest();
        }
    }

    private void ReleaseLowest()
    {
        _held.RemoveMin(out long sequence, out EventKey id, out TEvent item);
        Deliver(id, sequence, item);
    }

    private void DeclareGapThrough(long lastMissing, GapReason reason)
    {
        Debug.Assert(lastMissing > _cursor, "A gap covers at least one sequence above the cursor.");

        _ready.Enqueue(SequencerOutput<TEvent>.ForGap(new SequenceGap(_cursor + 1, lastMissing, reason)));
        _gapsDeclared++;
        _cursor = lastMissing;
    }

    private void Deliver(EventKey id, long sequence, TEvent item)
    {
        Debug.Assert(sequence == _cursor + 1, "Permanent events leave in sequence order.");

        if (!id.IsEmpty)
        {
            _deliveredIds.Add(id);
        }

        _cursor = sequence;
        Emit(item, sequence);
    }

    private void Emit(TEvent item, long sequence)
    {
        _ready.EnqueueEvent(item, sequence);
        _delivered++;
    }
}
