namespace PolyChat.Protocol;

/// <summary>
/// Why <see cref="EventSequencer{TEvent}"/> stopped waiting for missing sequences.
/// </summary>
public enum GapReason
{
    /// <summary>Holding one more event would have exceeded <see cref="SequencerOptions.MaxHeldEvents"/>.</summary>
    HeldLimit,

    /// <summary>A held event waited for <see cref="SequencerOptions.GapTimeout"/> without the gap below it filling.</summary>
    Timeout,

    /// <summary>The application called <see cref="EventSequencer{TEvent}.Flush"/> at the end of the stream.</summary>
    Flush,
}
