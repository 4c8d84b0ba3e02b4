using System;
using System.Threading;

namespace PolyChat.Protocol;

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

    private readonly long _initialCursor;
    private readonly int _maxHeldEvents = 1024;
    private readonly TimeSpan _gapTimeout = TimeSpan.FromSeconds(5);
    private readonly int _transientIdWindow = 1024;
    private readonly int _deliveredIdWindow = 1024;
    private readonly TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>
    /// Gets the last sequence already delivered, as passed to the server as <c>cursor</c>. Default 0:
    /// sequence 1 is expected first. Must not be negative.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long InitialCursor
    {
        get => _initialCursor;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(InitialCursor));
            _initialCursor = value;
        }
    }

    /// <summary>
    /// Gets how many out-of-order events may wait for a gap to fill. Default 1024; from 1 to
    /// <see cref="MaxCapacity"/>. Holding one more declares the lowest gap (<see cref="GapReason.HeldLimit"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range.</exception>
    public int MaxHeldEvents
    {
        get => _maxHeldEvents;
        init => _maxHeldEvents = ValidateCapacity(value, nameof(MaxHeldEvents));
    }

    /// <summary>
    /// Gets how long a held event may wait before the gap below it is declared
    /// (<see cref="GapReason.Timeout"/>). Default 5 seconds. Must be positive, or
    /// <see cref="Timeout.InfiniteTimeSpan"/> to wait until the held limit or a flush.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan GapTimeout
    {
        get => _gapTimeout;
        init
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(GapTimeout), value, "The gap timeout must be positive or Timeout.InfiniteTimeSpan.");
            }

            _gapTimeout = value;
        }
    }

    /// <summary>
    /// Gets how many recent transient event ids (events with a null sequence) are remembered to drop
    /// repeats. Default 1024; from 1 to <see cref="MaxCapacity"/>. Older ids are forgotten first.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range.</exception>
    public int TransientIdWindow
    {
        get => _transientIdWindow;
        init => _transientIdWindow = ValidateCapacity(value, nameof(TransientIdWindow));
    }

    /// <summary>
    /// Gets how many recently delivered permanent event ids are remembered, so that a copy is
    /// reported as <see cref="SequencerDecision.Duplicate"/>. Default 1024; from 1 to
    /// <see cref="MaxCapacity"/>. A copy whose id has been forgotten is still dropped, as
    /// <see cref="SequencerDecision.Stale"/>, because its sequence is at or below the cursor.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range.</exception>
    public int DeliveredIdWindow
    {
        get => _deliveredIdWindow;
        init => _deliveredIdWindow = ValidateCapacity(value, nameof(DeliveredIdWindow));
    }

    /// <summary>Gets the clock used for <see cref="GapTimeout"/>. Default <see cref="TimeProvider.System"/>.</summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(TimeProvider));
            _timeProvider = value;
        }
    }

    private static int ValidateCapacity(int value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxCapacity, name);
        return value;
    }
}
