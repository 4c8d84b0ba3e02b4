using System;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Client;

// The session's timers, all that wakes an idle session: the heartbeat, and the gap watch while events are held.
public sealed partial class PolyChatSession
{
    private void StartHeartbeat()
    {
        var seconds = Capabilities?.HeartbeatIntervalSeconds ?? DefaultHeartbeatSeconds;
        _heartbeat?.Dispose();
        if (seconds <= 0 || _endReason is not null || _stop.IsCancellationRequested)
        {
            // 0 disables heartbeats, as in PolyAI's SDKs.
            _heartbeat = null;
            return;
        }

        var period = TimeSpan.FromSeconds(seconds);
        _heartbeat = _options.TimeProvider.CreateTimer(static state => ((PolyChatSession)state!).Beat(), this, period, period);
    }

    private void Beat() => _ = HeartbeatAsync();

    private void StopTimers()
    {
        Interlocked.Exchange(ref _heartbeat, null)?.Dispose();
        lock (_receiveLock)
        {
            // Under the lock the receive loop arms it with, so it is not re-created once stopped.
            _gapWatch?.Dispose();
            _gapWatch = null;
            _gapWatchArmed = false;
        }
    }

    private async Task HeartbeatAsync()
    {
        try
        {
            await SendFrameAsync(new HeartbeatEvent(new HeartbeatPayload()), _stop.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is WebSocketException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            // A missed heartbeat is recovered by the reconnect that the dropped socket triggers.
        }
    }

    /// <summary>
    /// Keeps the gap watch in step with the receiver, after every change on the receive loop; under
    /// <c>_receiveLock</c>. Events held behind a missing sequence (a lost frame or echo) arm a one-shot timer for
    /// <see cref="SessionOptions.GapReconnectDelay"/>; nothing held disarms it, so an idle session has no timer work
    /// but its heartbeat. PolyAI replays everything after the cursor on reconnect, so a hole that does not fill in
    /// time is repaired by reconnecting (see <see cref="OnGapWatchDue"/>).
    /// </summary>
    private void UpdateGapWatch()
    {
        if (_receiver.Counters.Held == 0 || _stop.IsCancellationRequested || _endReason is not null)
        {
            if (_gapWatchArmed)
            {
                _gapWatchArmed = false;
                _gapWatch?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            return;
        }

        if (!_gapWatchArmed)
        {
            _gapWatchArmed = true;
            _gapWatch ??= _options.TimeProvider.CreateTimer(static state => ((PolyChatSession)state!).OnGapWatchDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _gapWatch.Change(_options.GapReconnectDelay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Events have waited <see cref="SessionOptions.GapReconnectDelay"/> behind a hole: aborting the socket sends the
    /// receive loop down its reconnect path with the current cursor. The replay then settles the hole for good (see
    /// <see cref="AfterHistoryAsync"/>), so each hole costs at most one reconnect.
    /// </summary>
    private void OnGapWatchDue()
    {
        WebSocket? socket;
        lock (_receiveLock)
        {
            _gapWatchArmed = false;
            socket = _socket;
            if (_receiver.Counters.Held == 0 || _inHistory || socket is null)
            {
                // While a replay is coming in, its end decides about the hole (and re-arms the watch if it must);
                // while reconnecting, the next connection's history does.
                return;
            }
        }

        SessionLog.RepairingGap(_logger, Cursor);
        socket.Abort();
    }
}
