using System;

namespace PolyChat.Simulator;

/// <summary>
/// Probabilities of the faults the simulator injects into live delivery. Each is checked once per outbound
/// live event, from a <see cref="Random"/> seeded with <see cref="Seed"/>, so a run can be repeated.
/// Faults never touch the session journal: a reconnect with a cursor always replays the true history.
/// </summary>
public sealed record FaultOptions
{
    /// <summary>No faults at all (the default).</summary>
    public static FaultOptions None { get; } = new();

    /// <summary>Seed of the random source that decides each fault.</summary>
    public int Seed { get; init; }

    /// <summary>Probability of aborting the socket instead of sending the event (the client sees an abnormal close).</summary>
    public double DropConnection { get; init; }

    /// <summary>Probability of sending the event twice with the same id.</summary>
    public double DuplicateEvent { get; init; }

    /// <summary>Probability of swapping the event with the next queued one.</summary>
    public double ReorderEvents { get; init; }

    /// <summary>Probability of holding the event back for up to <see cref="MaxDelay"/> before sending it.</summary>
    public double DelayEvent { get; init; }

    /// <summary>The longest delay <see cref="DelayEvent"/> applies.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Probability of not sending an echo live; it stays in the journal, so replay brings it back.</summary>
    public double LoseEcho { get; init; }

    /// <summary>Whether any fault has a non-zero probability.</summary>
    public bool IsEnabled =>
        DropConnection > 0 || DuplicateEvent > 0 || ReorderEvents > 0 || DelayEvent > 0 || LoseEcho > 0;
}
