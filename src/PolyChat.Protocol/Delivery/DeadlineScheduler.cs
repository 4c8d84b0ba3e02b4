using System;
using System.Threading;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// One timer for many deadlines: the owner says when it next needs to wake (<see cref="Request"/>,
/// <see cref="Reset"/>), and <see cref="Apply"/> arms the timer for the earliest such time, or disarms it when there
/// is none. While nothing is due the timer is disarmed and no callback runs.
/// </summary>
/// <remarks>
/// <para>
/// Times are offsets on the owner's clock from when the scheduler was made (<see cref="Now"/>). The timer is one-shot:
/// each wake-up calls the owner back, which works out what is due and calls <see cref="Reset"/> with the next
/// deadline.
/// </para>
/// <para>
/// <see cref="Request"/> and <see cref="Reset"/> only record the wish, so they can be called under the owner's lock;
/// <see cref="Apply"/> changes the timer and must be called holding no lock, because some clocks
/// (FakeTimeProvider) run a due callback inside <see cref="ITimer.Change"/>. Changes are serialised and each applies
/// the latest wish, so a slow caller cannot overwrite a newer schedule with an older one.
/// </para>
/// </remarks>
internal sealed class DeadlineScheduler : IDisposable
{
    /// <summary>"No deadline": the timer is disarmed for it, and it is only ever compared, never added to.</summary>
    public static readonly TimeSpan Never = TimeSpan.MaxValue;

    // Timer implementations cap their due time (about 49 days for System.Threading.Timer); a far deadline is
    // reached in steps, each wake-up finding nothing due and re-arming.
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(1);

    // A deadline already passed still gets a positive delay: a zero due time may fire inside ITimer.Change on
    // some providers (FakeTimeProvider runs due callbacks synchronously), re-entering the owner there.
    private static readonly TimeSpan MinTimerDelay = TimeSpan.FromMilliseconds(1);

    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Action _onDue;
    private readonly ITimer _timer;

    // _changeLock orders ITimer.Change calls and is taken before _stateLock; _stateLock guards the two times below
    // and is never held while anything else is taken, so the owner may take it under its own lock.
    private readonly object _changeLock = new();
    private readonly object _stateLock = new();

    // The latest time the timer must fire by, and what it is armed for.
    private TimeSpan _desired = Never;
    private TimeSpan _armed = Never;
    private bool _disposed;

    /// <summary>Creates the timer, disarmed.</summary>
    /// <param name="time">The clock.</param>
    /// <param name="onDue">
    /// Called on each wake-up, on the timer's thread, holding no lock of the scheduler's. It must not throw: on the
    /// system timer that would take the process down.
    /// </param>
    public DeadlineScheduler(TimeProvider time, Action onDue)
    {
        _time = time;
        _origin = time.GetTimestamp();

        _onDue = onDue;

        // While armed, the timer keeps the scheduler (and through the callback its owner) alive; Dispose releases it.
        _timer = time.CreateTimer(static state => ((DeadlineScheduler)state!).OnFired(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The time now, as an offset from when the scheduler was made.</summary>
    public TimeSpan Now => _time.GetElapsedTime(_origin);

    /// <summary>Asks to wake by <paramref name="due"/>, keeping any earlier wish. Takes effect at the next <see cref="Apply"/>.</summary>
    public void Request(TimeSpan due)
    {
        lock (_stateLock)
        {
            if (due < _desired)
            {
                _desired = due;
            }
        }
    }

    /// <summary>
    /// Replaces the wish with <paramref name="due"/> (<see cref="Never"/>: disarm), after the owner has worked out the
    /// earliest deadline itself. Takes effect at the next <see cref="Apply"/>.
    /// </summary>
    public void Reset(TimeSpan due)
    {
        lock (_stateLock)
        {
            _desired = due;
        }
    }

    /// <summary>Brings the timer in line with the latest wish. Call it holding no lock; it does nothing once disposed.</summary>
    public void Apply()
    {
        lock (_changeLock)
        {
            TimeSpan due;
            lock (_stateLock)
            {
                if (_disposed || _desired == _armed)
                {
                    return;
                }

                due = _desired;
                _armed = due;
            }

            var delay = due == Never ? Timeout.InfiniteTimeSpan : Clamp(due - Now);
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Disposes the timer; no callback starts afterwards and <see cref="Apply"/> does nothing.</summary>
    public void Dispose()
    {
        lock (_changeLock)
        {
            lock (_stateLock)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
            }

            _timer.Dispose();
        }
    }

    private static TimeSpan Clamp(TimeSpan delay) =>
        delay < MinTimerDelay ? MinTimerDelay : delay > MaxTimerDelay ? MaxTimerDelay : delay;

    private void OnFired()
    {
        lock (_stateLock)
        {
            // The timer is one-shot: whatever it was armed for, it is not armed now.
            _armed = Never;
            if (_disposed)
            {
                return;
            }
        }

        _onDue();
    }
}
