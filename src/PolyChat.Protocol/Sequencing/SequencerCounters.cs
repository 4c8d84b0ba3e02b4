namespace PolyChat.Protocol.Sequencing;

/// <summary>
/// A snapshot of what an <see cref="EventSequencer{TEvent}"/> has done since it was created, for
/// logs and metrics.
/// </summary>
/// <param name="Delivered">Events made ready to take, transient and permanent.</param>
/// <param name="DuplicatesDropped">Events dropped as <see cref="SequencerDecision.Duplicate"/>.</param>
/// <param name="StaleDropped">Events dropped as <see cref="SequencerDecision.Stale"/>.</param>
/// <param name="GapsDeclared">Gap outputs emitted, whatever their reason.</param>
/// <param name="MaxHeld">The largest number of events held at once.</param>
/// <param name="Held">The number of events held now.</param>
public readonly record struct SequencerCounters(
    long Delivered,
    long DuplicatesDropped,
    long StaleDropped,
    long GapsDeclared,
    int MaxHeld,
    int Held);
