using System;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Protocol.Tests;

/// <summary>Wraps a clock and counts the timers made through it, and how many are armed or alive.</summary>
internal sealed class CountingTimeProvider(TimeProvider inner) : TimeProvider
{
    private int _created;
    private int _alive;
    private int _armed;
    private int _fired;

    public int Created => Volatile.Read(ref _created);

    /// <summary>How many timer callbacks have run: timer work the tracker was woken for.</summary>
    public int Fired => Volatile.Read(ref _fired);

    public int Alive => Volatile.Read(ref _alive);

    public int Armed => Volatile.Read(ref _armed);

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _created);
        Interlocked.Increment(ref _alive);
        var timer = new CountingTimer(this);

        // A one-shot timer is disarmed when it fires, so the count drops before the callback runs.
        timer.Inner = inner.CreateTimer(
            s =>
            {
                var self = (CountingTimer)s!;
                if (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero)
                {
                    self.SetArmed(false);
                }

                Interlocked.Increment(ref _fired);
                callback(state);
            },
            timer,
            dueTime,
            period);
        timer.SetArmed(dueTime != Timeout.InfiniteTimeSpan);
        return timer;
    }

    private sealed class CountingTimer(CountingTimeProvider owner) : ITimer
    {
        private readonly object _gate = new();
        private bool _armed;
        private bool _disposed;

        public ITimer Inner { get; set; } = null!;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            SetArmed(dueTime != Timeout.InfiniteTimeSpan);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
            }

            SetArmed(false);
            Interlocked.Decrement(ref owner._alive);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        public void SetArmed(bool armed)
        {
            lock (_gate)
            {
                if (_armed == armed)
                {
                    return;
                }

                _armed = armed;
                Interlocked.Add(ref owner._armed, armed ? 1 : -1);
            }
        }
    }
}
