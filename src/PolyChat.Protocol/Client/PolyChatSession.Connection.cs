using System;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Protocol.Client;

// Connecting, reconnecting, refusals and the close after the session ends.
public sealed partial class PolyChatSession
{
    private const int DefaultReconnectAttempts = 5;

    private async Task RunAsync()
    {
        var failures = 0;
        var reconnecting = false;
        var connectedOnce = false;
        var tokenRenewed = false;
        WebSocketCloseStatus? lastClose = null;
        Exception? lastError = null;
        while (!_stop.IsCancellationRequested)
        {
            WebSocket socket;
            try
            {
                socket = await OpenSocketAsync(BuildUri(), _stop.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is PolyChatApiException or WebSocketException or HttpRequestException)
            {
                var refused = exception as PolyChatApiException ?? new PolyChatApiException(null, null, "The WebSocket handshake failed", exception);
                var status = refused.StatusCode;
                if (status == HttpStatusCode.Unauthorized && !tokenRenewed && _options.AccessTokenProvider is { } provider)
                {
                    // §5e: 401 means the token is bad or expired; one fresh token may cure it.
                    tokenRenewed = true;
                    if (!await RenewTokenAsync(provider, refused).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                if (!connectedOnce)
                {
                    // ConnectAsync reports the first refusal as it is.
                    Fail(refused);
                    return;
                }

                if (status == HttpStatusCode.NotFound && Volatile.Read(ref _endRequested))
                {
                    // The app asked to end the session and the server no longer knows it (§5e): it ended as asked,
                    // though the drop lost its echo and SESSION_END. Ours: end normally, saying so.
                    SessionLog.Closed(_logger, _options.SessionId, Cursor);
                    EndStreams();
                    _deliveries.OnClosed("the session ended: after the end request the server no longer knows it (404), so its echo and SESSION_END were not received");
                    _events.Writer.TryComplete();
                    return;
                }

                if (!refused.IsTransient)
                {
                    Fail(new SessionClosedException(RefusalReason(status, tokenRenewed), null, refused));
                    return;
                }

                lastError = refused;
                if (!await BackOffAsync(++failures).ConfigureAwait(false))
                {
                    Fail(new SessionClosedException($"Reconnecting failed {failures} times in a row; the last handshake answered {(int?)status}.", lastClose, lastError));
                    return;
                }

                continue;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Anything else (from the application's factory or configuration callback) is not a handshake answer:
                // end the session saying whose failure it is, rather than leave ConnectAsync waiting.
                var source = _options.WebSocketFactory is null ? "Opening the WebSocket (SessionOptions.ConfigureWebSocket)" : "SessionOptions.WebSocketFactory";
                Fail(new SessionClosedException($"{source} failed ({exception.GetType().Name}: {exception.Message}).", null, exception));
                return;
            }

            using var connected = socket;

            // Until its replay is processed, the new connection's history decides about held events.
            _inHistory = true;
            _socket = socket;
            connectedOnce = true;
            tokenRenewed = false;
            SessionLog.Connected(_logger, _options.SessionId, Cursor);
            _firstConnection.TrySetResult();
            StartHeartbeat();
            if (!await WaitForReaderAsync().ConfigureAwait(false))
            {
                return;
            }

            var (close, productive) = await ReceiveUntilClosedAsync(socket, reconnecting).ConfigureAwait(false);
            if (productive)
            {
                // Only consecutive failures count against the reconnect limit.
                failures = 0;
            }

            if (_endReason is { } reason && !_stop.IsCancellationRequested)
            {
                await EndAsync(socket, reason).ConfigureAwait(false);
                return;
            }

            _socket = null;
            _deliveries.OnDisconnected();
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            lastClose = close;
            switch (close)
            {
                case WebSocketCloseStatus.NormalClosure:
                    // §5g [SDK]: 1000 is final even without SESSION_END: no reconnect, the session is over.
                    StopTimers();
                    SessionLog.Closed(_logger, _options.SessionId, Cursor);
                    EndStreams();
                    _deliveries.OnClosed("the server closed the session (1000)");
                    _events.Writer.TryComplete();
                    return;
                case (WebSocketCloseStatus)4001:
                    // §5g [SDK]: the server rejected the session.
                    Fail(new SessionClosedException("The server no longer knows this session (close 4001 'session unknown'): create a new session and token.", close));
                    return;
            }

            reconnecting = true;
            SessionMetrics.Reconnects.Add(1);
            SessionLog.Reconnecting(_logger, close, failures + 1, Cursor);
            if (!await BackOffAsync(++failures).ConfigureAwait(false))
            {
                Fail(new SessionClosedException($"Reconnecting failed {failures} times in a row.", lastClose, lastError));
                return;
            }
        }
    }

    // §3a, §4a step 8: nothing follows SESSION_END and the client closes the socket. Stop the heartbeat, fail
    // what still waits for an echo, close with 1000, then complete the stream (SESSION_END was delivered last).
    private async Task EndAsync(WebSocket socket, string reason)
    {
        StopTimers();
        SessionLog.Ended(_logger, _options.SessionId, reason);
        _deliveries.OnClosed($"the session ended ({reason})");
        _socket = null;
        await _sendLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                // The close handshake is best effort, bounded in real time: the session is over either way.
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "session ended", timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer may be gone already.
        }
        finally
        {
            _sendLock.Release();
        }

        SessionLog.Closed(_logger, _options.SessionId, Cursor);
        _events.Writer.TryComplete();
    }

    private ValueTask<WebSocket> OpenSocketAsync(Uri address, CancellationToken cancellationToken) =>
        _options.WebSocketFactory is { } factory ? factory(address, cancellationToken) : ConnectClientWebSocketAsync(address, _options.ConfigureWebSocket, cancellationToken);

    // The default transport: a refused upgrade becomes a PolyChatApiException with the status the server answered.
    private static async ValueTask<WebSocket> ConnectClientWebSocketAsync(Uri address, Action<ClientWebSocketOptions>? configure, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            socket.Options.CollectHttpResponseDetails = true;
            configure?.Invoke(socket.Options);
            await socket.ConnectAsync(address, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch (Exception exception) when (exception is WebSocketException or HttpRequestException)
        {
            var status = socket.HttpStatusCode == 0 ? (HttpStatusCode?)null : socket.HttpStatusCode;
            socket.Dispose();
            throw new PolyChatApiException(status, HandshakeText(status), "The WebSocket handshake failed", exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the session stopping: a handshake that timed out is a transient failure, retried with backoff.
            socket.Dispose();
            throw new PolyChatApiException(null, null, "The WebSocket handshake timed out", exception);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<bool> RenewTokenAsync(Func<CancellationToken, ValueTask<AccessToken>> provider, PolyChatApiException refused)
    {
        SessionLog.RenewingToken(_logger);
        try
        {
            var fresh = await provider(_stop.Token).ConfigureAwait(false);
            ArgumentNullException.ThrowIfNull(fresh, nameof(SessionOptions.AccessTokenProvider));
            Volatile.Write(ref _token, fresh);
            return true;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception)
        {
            // The provider's own failure, with the refusal it tried to cure.
            Fail(new SessionClosedException(
                $"The server refused the access token (401 authentication failed) and SessionOptions.AccessTokenProvider failed ({exception.GetType().Name}).",
                null,
                new AggregateException(refused, exception)));
            return false;
        }
    }

    private static string RefusalReason(HttpStatusCode? status, bool tokenRenewed) => status switch
    {
        HttpStatusCode.NotFound => "The server does not know this session (404 session not found): it expired or never existed; create a new session.",
        HttpStatusCode.Unauthorized when tokenRenewed => "The server refused the access token (401 authentication failed), and the fresh one from SessionOptions.AccessTokenProvider too.",
        HttpStatusCode.Unauthorized => "The server refused the access token (401 authentication failed): it expired or was not issued for this session; set SessionOptions.AccessTokenProvider to renew it on reconnect.",
        HttpStatusCode.BadRequest => "The server refused the connection parameters (400 invalid connection parameters).",
        _ => $"The server refused the reconnect ({(int?)status}).",
    };

    // §5e: the documented error text of each handshake status.
    private static string? HandshakeText(HttpStatusCode? status) => status switch
    {
        HttpStatusCode.NotFound => "session not found",
        HttpStatusCode.Unauthorized => "authentication failed",
        HttpStatusCode.TooManyRequests => "connection limit exceeded for session",
        HttpStatusCode.BadRequest => "invalid connection parameters",
        _ => null,
    };

    // False when the session was disposed before the application read anything.
    private async Task<bool> WaitForReaderAsync()
    {
        try
        {
            await _reading.Task.WaitAsync(_stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The reconnect limit: <see cref="SessionOptions.MaxReconnectAttempts"/> when the application set it, else the
    /// server's <c>capabilities.max_reconnect_attempts</c> hint (§3b), else 5.
    /// </summary>
    internal long ReconnectLimit =>
        _options.MaxReconnectAttempts ?? (Capabilities?.MaxReconnectAttempts is long fromServer and > 0 ? fromServer : DefaultReconnectAttempts);

    /// <summary>
    /// The wait before reconnect attempt <paramref name="failures"/> (from 1): §4b, exponential from the initial
    /// delay (1 s) doubling to the cap (30 s); ±20% jitter as PolyAI's SDKs add, so clients do not reconnect in step.
    /// </summary>
    internal static TimeSpan ReconnectDelay(int failures, TimeSpan initial, TimeSpan max, double unitRandom)
    {
        var exponential = initial.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (unitRandom * 0.4)));
    }

    private async Task<bool> BackOffAsync(int failures)
    {
        if (failures > ReconnectLimit)
        {
            return false;
        }

        var delay = ReconnectDelay(failures, _options.InitialReconnectDelay, _options.MaxReconnectDelay, _options.Jitter());
        try
        {
            await Task.Delay(delay, _options.TimeProvider, _stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Fail(Exception exception)
    {
        StopTimers();
        SessionLog.Failed(_logger, exception.Message);
        _firstConnection.TrySetException(exception);
        EndStreams();
        _deliveries.OnClosed(exception.Message);
        _events.Writer.TryComplete(exception);
    }
}
