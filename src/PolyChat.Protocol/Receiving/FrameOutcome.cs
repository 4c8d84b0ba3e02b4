namespace PolyChat.Protocol.Receiving;

/// <summary>What <see cref="EventReceiver.Receive"/> did with a frame.</summary>
public enum FrameOutcome
{
    /// <summary>The frame was read and its event(s) handed to the sequencer (delivered or held).</summary>
    Accepted,

    /// <summary>The event's id was seen already; dropped on the envelope peek, its payload never read.</summary>
    Duplicate,

    /// <summary>The event's sequence is at or below the cursor; dropped on the envelope peek.</summary>
    Stale,

    /// <summary>The frame is not a valid event; nothing was changed. The error says why and where.</summary>
    Invalid,

    /// <summary>
    /// A batch some of whose inner events could not be read: the others were handed to the sequencer, and each
    /// unreadable one is reported through <see cref="EventReceiver.TryTakeRejected"/> with its index and path
    /// (PROTOCOL.md §4c: every inner event is a complete event of its own, so one bad event does not spoil the rest).
    /// </summary>
    PartiallyAccepted,
}
