using System;
using System.Threading;

namespace PolyChat.Protocol.Client;

/// <summary>
/// The one-shot timer that notices events waiting behind a hole: armed when the first event is held, disarmed when
/// nothing is, so an idle session has no timer work for it. Not thread-safe: the session calls it under its receive
/// lock; once stopped it stays stopped.
/// </summary>
internal sealed class GapWatch(TimeProvider time, TimeSpan delay, Action onDue)
{
    private ITimer? _timer;
    private bool _armed;
    private bool _stopped;

    /// <summary>Starts the countdown unless it runs already.</summary>
    public void Arm()
    {
        if (_armed || _stopped)
        {
            return;
        }

        _armed = true;
        _timer ??= time.CreateTimer(static state => ((Action)state!)(), onDue, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops the countdown, if it runs.</summary>
    public void Disarm()
    {
        if (_armed)
        {
            _armed = false;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The countdown ran out: the watch may be armed again.</summary>
    public void Fired() => _armed = false;

    /// <summary>Releases the timer for good; later calls to <see cref="Arm"/> do nothing.</summary>
    public void Stop()
    {
        _stopped = true;
        _armed = false;
        _timer?.Dispose();
        _timer = null;
    }
}
