using System;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Client;

// The session's timers, all that wakes an idle session: the heartbeat, and the gap watch while events are held.
public sealed partial class PolyChatSession
{
    // The longest period a TimeProvider timer accepts is 2^32 - 2 ms, about 49.7 days.
    private const long MaxTimerSeconds = 4_294_967;

    // The lowest held sequence when the gap watch last dropped the socket for a replay: the holes below it have had
    // their one repair; only a hole above it (a newer one) may have another.
    private long? _repairedBelow;

    private GapWatch? _gapWatch;

    /// <summary>
    /// (Re)starts the heartbeat at the server's interval (§3b, §5f): absent or negative means the default 30 s; 0
    /// turns it off, as in PolyAI's SDKs; a value longer than a timer can wait turns it off as well (such a period is
    /// far past the server's 10-minute idle timeout anyway), and is logged.
    /// </summary>
    private void StartHeartbeat()
    {
        var seconds = Capabilities?.HeartbeatIntervalSeconds is long fromServer and >= 0 ? fromServer : DefaultHeartbeatSeconds;
        if (seconds > MaxTimerSeconds)
        {
            SessionLog.HeartbeatBeyondTimer(_logger, seconds);
            seconds = 0;
        }

        lock (_stateLock)
        {
            _heartbeat?.Dispose();
            _heartbeat = null;
            if (seconds == 0 || _phase >= SessionPhase.Ending)
            {
                return;
            }

            var period = TimeSpan.FromSeconds(seconds);
            _heartbeat = _options.TimeProvider.CreateTimer(static state => ((PolyChatSession)state!).Beat(), this, period, period);
        }
    }

    private void Beat() => _ = HeartbeatAsync();

    private void StopTimers()
    {
        lock (_stateLock)
        {
            _heartbeat?.Dispose();
            _heartbeat = null;
        }

        lock (_receiveLock)
        {
            // Under the lock the receive loop arms it with; once stopped it is never armed again.
            (_gapWatch ??= NewGapWatch()).Stop();
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

    private GapWatch NewGapWatch() => new(_options.TimeProvider, _options.GapReconnectDelay, OnGapWatchDue);

    /// <summary>
    /// Keeps the gap watch in step with the receiver, after every change on the receive loop; under
    /// <c>_receiveLock</c>. Events held behind a missing sequence (a lost frame or echo) arm a one-shot timer for
    /// <see cref="SessionOptions.GapReconnectDelay"/>; nothing held disarms it. PolyAI replays everything after the
    /// cursor on reconnect, so a hole that does not fill in time is repaired by reconnecting (see
    /// <see cref="OnGapWatchDue"/>).
    /// </summary>
    private void UpdateGapWatch()
    {
        var watch = _gapWatch ??= NewGapWatch();
        if (_receiver.Counters.Held == 0)
        {
            watch.Disarm();
        }
        else
        {
            watch.Arm();
        }
    }

    /// <summary>
    /// Events have waited <see cref="SessionOptions.GapReconnectDelay"/> behind a hole: dropping the socket sends the
    /// receive loop down its reconnect path with the current cursor, once per hole. The next connection's history then
    /// settles the hole for good (see <see cref="AfterHistoryAsync"/>): skipped if a replay vouched for it, declared
    /// lost if none came.
    /// </summary>
    private void OnGapWatchDue()
    {
        SessionConnection? repaired;
        long cursor;
        lock (_receiveLock)
        {
            _gapWatch?.Fired();
            var connection = Volatile.Read(ref _connection);
            cursor = _receiver.Cursor;
            if (_receiver.Counters.Held == 0 || connection is null || connection.InHistory || _receiver.LowestHeld <= _repairedBelow)
            {
                // While a replay is coming in, its end decides about the hole (and re-arms the watch if it must);
                // while reconnecting, the next connection's history does; a hole already repaired once is settled by
                // that history.
                return;
            }

            _repairedBelow = _receiver.LowestHeld;
            repaired = connection;
        }

        SessionLog.RepairingGap(_logger, cursor);
        repaired.Drop();
    }
}
