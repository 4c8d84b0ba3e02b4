namespace PolyChat.Protocol.Sequencing;

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

    /// <summary>
    /// The server's replay after the cursor was complete and did not contain these sequences, so they do not
    /// exist: the docs promise only that <c>sequence</c> increases, not that it has no holes
    /// (<see href="https://docs.poly.ai/api-reference/messaging/websocket">reconnect and replay</see>). Nothing
    /// was lost. Declared by <see cref="EventSequencer{TEvent}.SkipAbsent"/>.
    /// </summary>
    NotInReplay,

    /// <summary>
    /// The session reconnected once to have the server replay these sequences, and that connection brought no replay
    /// that could fill or vouch for them. They are declared lost rather than asked for again, so a hole the server
    /// cannot fill costs one reconnect, not a reconnect storm. Declared by <c>PolyChatSession</c>.
    /// </summary>
    RepairFailed,
}
