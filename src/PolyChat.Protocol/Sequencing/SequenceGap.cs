using System;
using System.Globalization;

namespace PolyChat.Protocol.Sequencing;

/// <summary>
/// A run of sequences that <see cref="EventSequencer{TEvent}"/> gave up waiting for. It is emitted
/// just before the event that follows the run, and the cursor moves past it: events in the run that
/// arrive later are <see cref="SequencerDecision.Stale"/>.
/// </summary>
/// <remarks>
/// An application that needs the missing events can reconnect with a cursor of
/// <c><see cref="FirstMissing"/> - 1</c>; the server then replays them.
/// </remarks>
public readonly struct SequenceGap : IEquatable<SequenceGap>
{
    /// <summary>Creates a gap.</summary>
    /// <param name="firstMissing">The first missing sequence; at least 1.</param>
    /// <param name="lastMissing">The last missing sequence, inclusive; at least <paramref name="firstMissing"/>.</param>
    /// <param name="reason">Why the gap was declared.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range stated for it.</exception>
    public SequenceGap(long firstMissing, long lastMissing, GapReason reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstMissing, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lastMissing, firstMissing);
        if (reason is < GapReason.HeldLimit or > GapReason.RepairFailed)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a defined GapReason.");
        }

        FirstMissing = firstMissing;
        LastMissing = lastMissing;
        Reason = reason;
    }

    /// <summary>Gets the first missing sequence.</summary>
    public long FirstMissing { get; }

    /// <summary>Gets the last missing sequence (inclusive).</summary>
    public long LastMissing { get; }

    /// <summary>Gets the number of missing sequences.</summary>
    public long Count => LastMissing - FirstMissing + 1;

    /// <summary>Gets why the gap was declared.</summary>
    public GapReason Reason { get; }

    /// <summary>Compares two gaps for equality.</summary>
    public static bool operator ==(SequenceGap left, SequenceGap right) => left.Equals(right);

    /// <summary>Compares two gaps for inequality.</summary>
    public static bool operator !=(SequenceGap left, SequenceGap right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(SequenceGap other) =>
        FirstMissing == other.FirstMissing && LastMissing == other.LastMissing && Reason == other.Reason;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SequenceGap other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(FirstMissing, LastMissing, Reason);

    /// <summary>Returns the gap as <c>[first..last] (Reason)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[{FirstMissing}..{LastMissing}] ({Reason})");
}
