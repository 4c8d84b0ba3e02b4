namespace PolyChat.Protocol.Sequencing;

/// <summary>
/// What <see cref="EventSequencer{TEvent}.Check"/> predicts for an event before its payload is read.
/// </summary>
internal enum SequencerCheck
{
    /// <summary>The event is new: an immediate <see cref="EventSequencer{TEvent}.Offer"/> would make it ready or hold it, so it is worth parsing.</summary>
    Accept,

    /// <summary>An immediate offer would drop it as <see cref="SequencerDecision.Duplicate"/>.</summary>
    Duplicate,

    /// <summary>An immediate offer would drop it as <see cref="SequencerDecision.Stale"/>.</summary>
    Stale,
}
