using System;
using System.Collections.Generic;
using System.Threading;

namespace PolyChat.Session.Simulation;

/// <summary>
/// A clock that moves only when the driver says so, and knows every timer created on it and when each is due, so
/// the driver can jump straight to the next one. <see cref="ForOwner"/> hands out views of the same clock whose
/// timers are labelled, which is how a run tells the session's timers from the simulator's.
/// </summary>
public sealed class VirtualClock : TimeProvider
{
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _gate = new();
    private readonly List<VirtualTimer> _timers = [];
    private long _now;
    private long _created;

    /// <summary>The virtual time elapsed since the clock was created.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _now));

    /// <summary>Called (outside the clock's lock) before each timer callback, with the timer's owner.</summary>
    public Action<string>? Firing { get; set; }

    public override DateTimeOffset GetUtcNow() => Epoch + Elapsed;

    public override long GetTimestamp() => Interlocked.Read(ref _now);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Create("shared", callback, state, dueTime, period);

    /// <summary>A view of this clock whose timers are labelled <paramref name="owner"/>.</summary>
    public TimeProvider ForOwner(string owner) => new OwnerView(this, owner);

    /// <summary>When the next armed timer is due, or null when none is armed.</summary>
    public TimeSpan? NextDue
    {
        get
        {
            lock (_gate)
            {
                TimeSpan? next = null;
                foreach (var timer in _timers)
                {
                    if (timer.Due is long due && (next is null || due < next.Value.Ticks))
                    {
                        next = TimeSpan.FromTicks(due);
                    }
                }

                return next;
            }
        }
    }

    /// <summary>How many timers of <paramref name="owner"/> are armed now.</summary>
    public int ArmedTimers(string owner)
    {
        lock (_gate)
        {
            return _timers.FindAll(t => t.Owner == owner && t.Due is not null).Count;
        }
    }

    /// <summary>
    /// Fires the earliest timer due at or before <paramref name="target"/> (moving the clock to its due time) and
    /// returns true; or, when none is due, moves the clock to <paramref name="target"/> and returns false.
    /// </summary>
    public bool FireNextOrAdvance(TimeSpan target)
    {
        VirtualTimer? next = null;
        lock (_gate)
        {
            foreach (var timer in _timers)
            {
                if (timer.Due is long due && due <= target.Ticks && (next is null || due < next.Due!.Value || (due == next.Due && timer.Order < next.Order)))
                {
                    next = timer;
                }
            }

            if (next is null)
            {
                if (target.Ticks > _now)
                {
                    Interlocked.Exchange(ref _now, target.Ticks);
                }

                return false;
            }

            if (next.Due!.Value > _now)
            {
                Interlocked.Exchange(ref _now, next.Due.Value);
            }

            next.Due = next.Period > 0 ? _now + next.Period : null;
        }

        Firing?.Invoke(next.Owner);
        next.Callback(next.State);
        return true;
    }

    private VirtualTimer Create(string owner, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            var timer = new VirtualTimer(this, owner, callback, state, ++_created);
            timer.Arm(dueTime, period);
            _timers.Add(timer);
            return timer;
        }
    }

    private sealed class OwnerView(VirtualClock clock, string owner) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override long GetTimestamp() => clock.GetTimestamp();

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            clock.Create(owner, callback, state, dueTime, period);
    }

    private sealed class VirtualTimer(VirtualClock clock, string owner, TimerCallback callback, object? state, long order) : ITimer
    {
        public string Owner { get; } = owner;

        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        public long Order { get; } = order;

        // Absolute due time in ticks, or null when disarmed; both under the clock's lock.
        public long? Due { get; set; }

        public long Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                if (!clock._timers.Contains(this))
                {
                    return false;
                }

                Arm(dueTime, period);
                return true;
            }
        }

        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
            // The limits of TimeProvider.System's timers, so a value the real clock refuses is refused here too.
            ArgumentOutOfRangeException.ThrowIfGreaterThan(dueTime, MaxTimerDelay, nameof(dueTime));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(period, MaxTimerDelay, nameof(period));
            ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, Timeout.InfiniteTimeSpan, nameof(dueTime));
            ArgumentOutOfRangeException.ThrowIfLessThan(period, Timeout.InfiniteTimeSpan, nameof(period));
            Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + Math.Max(0, dueTime.Ticks);
            Period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : period.Ticks;
        }

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
            }
        }

        public System.Threading.Tasks.ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
