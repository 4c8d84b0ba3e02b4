using System;

namespace PolyChat.Testing;

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

    /// <summary>
    /// Probability of sending a malformed or hostile frame before the event: truncated JSON, a lone surrogate
    /// escape, invalid UTF-8 (which RFC 6455 makes the client fail the connection for: it tests recovery),
    /// 10,000-deep nesting, a second <c>type</c>, a sequence of <c>1e400</c>, a text frame of
    /// <see cref="HostileFrameBytes"/>, a binary frame. The kinds come in turn, so every kind is sent once
    /// in any eight hostile frames. None is an event: a client must reject each and go on.
    /// </summary>
    public double HostileFrame { get; init; }

    /// <summary>
    /// The size of the oversized hostile frame: 2 MiB by default, twice a client's usual limit. Keep it above the
    /// client's inbound limit, or the frame is just a long (and invalid) system message.
    /// </summary>
    public int HostileFrameBytes { get; init; } = 2 << 20;

    /// <summary>Whether any fault has a non-zero probability.</summary>
    public bool IsEnabled =>
        DropConnection > 0 || DuplicateEvent > 0 || ReorderEvents > 0 || DelayEvent > 0 || LoseEcho > 0 || HostileFrame > 0;

    internal void Validate()
    {
        foreach (var probability in (ReadOnlySpan<double>)[DropConnection, DuplicateEvent, ReorderEvents, DelayEvent, LoseEcho, HostileFrame])
        {
            if (!(probability >= 0 && probability <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(SimulatorOptions.Faults), probability, "Fault probabilities are between 0 and 1.");
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, TimeSpan.Zero, nameof(MaxDelay));
        ArgumentOutOfRangeException.ThrowIfNegative(HostileFrameBytes, nameof(HostileFrameBytes));
    }
}
