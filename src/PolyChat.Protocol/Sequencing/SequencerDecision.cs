namespace PolyChat.Protocol.Sequencing;

/// <summary>
/// What <see cref="EventSequencer{TEvent}.Offer"/> did with an event.
/// </summary>
public enum SequencerDecision
{
    /// <summary>
    /// The event is ready to be taken with <see cref="EventSequencer{TEvent}.TryTake"/>, possibly
    /// together with held successors it released or after a gap declared in the same call.
    /// Transient events are always ready at once unless they are duplicates.
    /// </summary>
    Ready,

    /// <summary>
    /// The event is ahead of the next expected sequence and is kept until the gap below it fills,
    /// times out, exceeds the held limit, or is flushed. It is never dropped.
    /// </summary>
    Held,

    /// <summary>
    /// The event was dropped as a copy of one already seen: its id is among the recently delivered
    /// or currently held ids (for transient events, the recent transient ids), or an event with the
    /// same sequence is already held.
    /// </summary>
    Duplicate,

    /// <summary>
    /// The event was dropped because its sequence is at or below the cursor: it was delivered
    /// earlier, or it falls in a gap that was already declared.
    /// </summary>
    Stale,
}
