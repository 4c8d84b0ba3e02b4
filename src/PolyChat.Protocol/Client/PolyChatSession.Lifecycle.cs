using System;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Sequencing;

namespace PolyChat.Protocol.Client;

// The phase, and the one path that ends a session whatever the cause.
public sealed partial class PolyChatSession
{
    // The close handshake is best effort and bounded in real time: the session is over either way.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Where the session stands; see <see cref="SessionPhase"/>.</summary>
    internal SessionPhase Phase
    {
        get
        {
            lock (_stateLock)
            {
                return _phase;
            }
        }
    }

    private bool IsEnding
    {
        get
        {
            lock (_stateLock)
            {
                return _phase >= SessionPhase.Ending;
            }
        }
    }

    /// <summary>Moves the phase on, unless the end path has begun (it only ever moves to Ended from there).</summary>
    private bool TryEnter(SessionPhase phase)
    {
        lock (_stateLock)
        {
            if (_phase >= SessionPhase.Ending)
            {
                return false;
            }

            _phase = phase;
            return true;
        }
    }

    /// <summary>
    /// The one end path, whatever the cause, always in this order: stop every timer; hand the application the events
    /// still held behind a hole (no repair can come now; the hole is declared, <see cref="GapReason.Flush"/>), unless
    /// it disposed the session; report streamed replies still open; settle every pending message with the reason;
    /// close the socket; complete the event stream (with the error, if any). The first cause wins; later calls do
    /// nothing.
    /// </summary>
    private async Task FinishAsync(SessionEnd end)
    {
        lock (_stateLock)
        {
            if (_phase >= SessionPhase.Ending)
            {
                return;
            }

            _phase = SessionPhase.Ending;
        }

        StopTimers();
        if (end.Kind != SessionEndKind.Disposed)
        {
            await ReleaseHeldAsync().ConfigureAwait(false);
        }

        EndStreams();
        _deliveries.OnClosed(end.Reason);

        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
        {
            if (connection.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                // §3a, §4a step 8: after SESSION_END the client closes the socket; so it does for every other end.
                await CloseQuietlyAsync(connection.Socket, WebSocketCloseStatus.NormalClosure, "session ended").ConfigureAwait(false);
            }

            connection.Socket.Abort();
            connection.Dispose();
        }

        switch (end.Kind)
        {
            case SessionEndKind.Failed:
                SessionLog.Failed(_logger, end.Reason);
                break;
            case SessionEndKind.Ended:
                SessionLog.Ended(_logger, _options.SessionId, end.Reason);
                SessionLog.Closed(_logger, _options.SessionId, Cursor);
                break;
            default:
                SessionLog.Closed(_logger, _options.SessionId, Cursor);
                break;
        }

        _firstConnection.TrySetException(end.Error ?? new SessionClosedException($"The session ended before it connected ({end.Reason}).", null));
        _events.Writer.TryComplete(end.Error);
        lock (_stateLock)
        {
            _phase = SessionPhase.Ended;
        }
    }

    /// <summary>Delivers what waits behind a hole when the session ends: received events are not thrown away.</summary>
    private async Task ReleaseHeldAsync()
    {
        _ready.Clear();
        _gaps.Clear();
        lock (_receiveLock)
        {
            if (_receiver.Counters.Held == 0)
            {
                return;
            }

            _receiver.Flush();
            Drain();
        }

        try
        {
            // A SESSION_END among them is delivered last, as ever; the end already under way stands.
            await PublishAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposed while the application was not reading: nobody is left to hand them to.
        }
    }

    private async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status, string description)
    {
        // On the session's one clock, like every other wait.
        using var timeout = new CancellationTokenSource(CloseTimeout, _options.TimeProvider);
        try
        {
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A send is stuck (a peer that reads nothing): the close could not go out either.
            return;
        }

        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
            }
            else if (socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseAsync(status, description, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Best effort: the peer may be gone already.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>An application handler threw: logged, and the session goes on (documented on each event).</summary>
    private void OnHandlerFailed(string eventName, Exception exception) => SessionLog.HandlerFailed(_logger, exception, eventName);

    private void Raise<T>(EventHandler<T>? handlers, T args, string eventName) =>
        AppHandlers.Raise(handlers, this, args, eventName, OnHandlerFailed);
}
