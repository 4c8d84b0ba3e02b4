namespace PolyChat.Protocol.Sequencing;

/// <summary>
/// The kind of a <see cref="SequencerOutput{TEvent}"/>.
/// </summary>
public enum SequencerOutputKind
{
    /// <summary>A default-constructed output; <see cref="EventSequencer{TEvent}.TryTake"/> never returns one.</summary>
    None,

    /// <summary>An event to hand to the application.</summary>
    Event,

    /// <summary>A range of sequences that will not be delivered.</summary>
    Gap,
}
