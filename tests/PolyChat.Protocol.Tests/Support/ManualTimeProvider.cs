using System;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// A clock whose time and timers move only when the test says: time can pass without a due timer firing (a late
/// wake-up, as on a starved thread pool), and a timer can be fired after it was disposed (a system timer's callback
/// already queued when <c>ITimer.Dispose</c> ran). Single-threaded use only.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks;

    /// <summary>The latest timer made through this clock.</summary>
    public ManualTimer Timer { get; private set; } = null!;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    /// <summary>Moves the clock on without running any timer.</summary>
    public void Pass(TimeSpan span) => _ticks += span.Ticks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Timer = new ManualTimer(() => callback(state), dueTime);
        return Timer;
    }
}

/// <summary>A timer that records what it is told and runs its callback only through <see cref="Fire"/>.</summary>
internal sealed class ManualTimer(Action callback, TimeSpan dueTime) : ITimer
{
    /// <summary>The due time of the latest <see cref="Change"/> (or of the timer's creation).</summary>
    public TimeSpan DueTime { get; private set; } = dueTime;

    /// <summary>How many times <see cref="Change"/> was called.</summary>
    public int Changes { get; private set; }

    /// <summary>How many times <see cref="Dispose"/> was called.</summary>
    public int Disposals { get; private set; }

    /// <summary>Runs the callback now, whatever the timer's state.</summary>
    public void Fire() => callback();

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        Changes++;
        DueTime = dueTime;
        return Disposals == 0;
    }

    public void Dispose() => Disposals++;

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
