using System;
using System.Threading;

namespace PolyChat.Protocol.Sequencing;

/// <summary>
/// Settings for an <see cref="EventSequencer{TEvent}"/>. Each property is validated when it is set,
/// so an options instance is always usable.
/// </summary>
/// <remarks>
/// The counts bound structures that start empty and grow with use, never past about twice their
/// bound's worth of slots; each is limited to <see cref="MaxCapacity"/>.
/// </remarks>
public sealed class SequencerOptions
{
    /// <summary>The largest value accepted for <see cref="MaxHeldEvents"/>, <see cref="TransientIdWindow"/> and <see cref="DeliveredIdWindow"/>: 1,048,576.</summary>
    public const int MaxCapacity = 1 << 20;


    /// <summary>
    /// Gets the last sequence already delivered, as passed to the server as <c>cursor</c>. Default 0:
    /// sequence 1 is expected first. Must not be negative.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long InitialCursor { get; init => field = OptionRules.NotNegative(value); }

    /// <summary>
    /// Gets how many out-of-order events may wait for a gap to fill. Default 1024; from 1 to
    /// <see cref="MaxCapacity"/>. Holding one more declares the lowest gap (<see cref="GapReason.HeldLimit"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range.</exception>
    public int MaxHeldEvents { get; init => field = OptionRules.InRange(value, 1, MaxCapacity); } = 1024;

    /// <summary>
    /// Gets how long a held event may wait before the gap below it is declared
    /// (<see cref="GapReason.Timeout"/>). Default 5 seconds. Must be positive, or
    /// <see cref="Timeout.InfiniteTimeSpan"/> to wait until the held limit or a flush.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan GapTimeout { get; init => field = OptionRules.PositiveOrInfinite(value); } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets how many recent transient event ids (events with a null sequence) are remembered to drop
    /// repeats. Default 1024; from 1 to <see cref="MaxCapacity"/>. Older ids are forgotten first.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range.</exception>
    public int TransientIdWindow { get; init => field = OptionRules.InRange(value, 1, MaxCapacity); } = 1024;

    /// <summary>
    /// Gets how many recently delivered permanent event ids are remembered, so that a copy is
    /// reported as <see cref="SequencerDecision.Duplicate"/>. Default 1024; from 1 to
    /// <see cref="MaxCapacity"/>. A copy whose id has been forgotten is still dropped, as
    /// <see cref="SequencerDecision.Stale"/>, because its sequence is at or below the cursor.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range.</exception>
    public int DeliveredIdWindow { get; init => field = OptionRules.InRange(value, 1, MaxCapacity); } = 1024;
}
