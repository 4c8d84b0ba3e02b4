using System;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Delivery;

namespace PolyChat.Protocol.Client;

// Connecting, reconnecting, refusals and the close after the session ends.
public sealed partial class PolyChatSession
{
    private const int DefaultReconnectAttempts = 5;

    private async Task RunAsync()
    {
        SessionEnd end;
        try
        {
            end = await ConnectAndReceiveAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (CallbackGuard.IsRecoverable(exception))
        {
            // Whatever escaped is a defect, ours or a collaborator's: the stream ends with it rather than stay open.
            end = SessionEnd.Failed(new SessionClosedException($"The session failed ({exception.GetType().Name}: {exception.Message}).", null, exception));
        }

        await FinishAsync(end).ConfigureAwait(false);
    }

    /// <summary>Connects, receives and reconnects until something ends the session; returns what did.</summary>
    private async Task<SessionEnd> ConnectAndReceiveAsync()
    {
        var failures = 0;
        var ordinal = 0;
        var tokenRenewed = false;
        WebSocketCloseStatus? lastClose = null;
        Exception? lastError = null;
        while (true)
        {
            if (_stop.IsCancellationRequested)
            {
                return SessionEnd.Disposed;
            }

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
                    if (await RenewTokenAsync(provider, refused).ConfigureAwait(false) is { } renewalFailed)
                    {
                        return renewalFailed;
                    }

                    continue;
                }

                if (ordinal == 0)
                {
                    // ConnectAsync reports the first refusal as it is.
                    return SessionEnd.Failed(refused);
                }

                if (status == HttpStatusCode.NotFound && Volatile.Read(ref _endRequested))
                {
                    return EndedAsAsked("404");
                }

                if (!refused.IsTransient)
                {
                    return SessionEnd.Failed(new SessionClosedException(RefusalReason(status, tokenRenewed), null, refused));
                }

                lastError = refused;
                if (await BackOffAsync(++failures).ConfigureAwait(false) is { } gaveUp)
                {
                    return gaveUp.Kind == SessionEndKind.Disposed
                        ? gaveUp
                        : GaveUp(new SessionClosedException($"Reconnecting failed {failures} times in a row; the last handshake answered {(int?)status}.", lastClose, lastError));
                }

                continue;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return SessionEnd.Disposed;
            }
            catch (Exception exception) when (CallbackGuard.IsRecoverable(exception))
            {
                // Anything else (from the application's factory or configuration callback) is not a handshake answer:
                // end the session saying whose failure it is, rather than leave ConnectAsync waiting.
                var source = _options.WebSocketFactory is null ? "Opening the WebSocket (SessionOptions.ConfigureWebSocket)" : "SessionOptions.WebSocketFactory";
                return SessionEnd.Failed(new SessionClosedException($"{source} failed ({exception.GetType().Name}: {exception.Message}).", null, exception));
            }

            var connection = new SessionConnection(socket, ++ordinal, Cursor, isReconnect: ordinal > 1 || _resumed, _stop.Token);
            lock (_receiveLock)
            {
                // Until this history is processed, the replay is on its way to fill any hole: no gap times out.
                _receiver.PauseGapTimeouts();
            }

            Volatile.Write(ref _connection, connection);
            if (!TryEnter(SessionPhase.Replaying) || _stop.IsCancellationRequested)
            {
                // Disposed while the handshake ran: the end path closes this socket.
                return SessionEnd.Disposed;
            }

            tokenRenewed = false;
            SessionLog.Connected(_logger, _options.SessionId, connection.CursorAtConnect);
            _firstConnection.TrySetResult();
            StartHeartbeat();
            if (!await WaitForReaderAsync().ConfigureAwait(false))
            {
                return SessionEnd.Disposed;
            }

            var (close, ended) = await ReceiveUntilClosedAsync(connection).ConfigureAwait(false);
            if (ended is not null)
            {
                return ended;
            }

            if (_stop.IsCancellationRequested || _disposing)
            {
                return SessionEnd.Disposed;
            }

            // The socket is gone; what it knew goes with it.
            Interlocked.CompareExchange(ref _connection, null, connection);
            connection.Dispose();
            _deliveries.OnDisconnected();
            if (connection.Productive)
            {
                // Only consecutive failures count against the reconnect limit.
                failures = 0;
            }

            lastClose = close;
            switch (close)
            {
                case WebSocketCloseStatus.NormalClosure:
                    // §5g [SDK]: 1000 is final even without SESSION_END: no reconnect, the session is over.
                    return SessionEnd.Closed("the server closed the session (1000)");
                case (WebSocketCloseStatus)4001 when Volatile.Read(ref _endRequested):
                    return EndedAsAsked("a close with 4001");
                case (WebSocketCloseStatus)4001:
                    // §5g [SDK]: the server rejected the session.
                    return SessionEnd.Failed(new SessionClosedException("The server no longer knows this session (close 4001 'session unknown'): create a new session and token.", close));
            }

            TryEnter(SessionPhase.Reconnecting);
            SessionMetrics.Reconnects.Add(1);
            SessionLog.Reconnecting(_logger, close, failures + 1, Cursor);
            if (await BackOffAsync(++failures).ConfigureAwait(false) is { } exhausted)
            {
                return exhausted.Kind == SessionEndKind.Disposed
                    ? exhausted
                    : GaveUp(new SessionClosedException($"Reconnecting failed {failures} times in a row.", lastClose, lastError));
            }
        }
    }

    /// <summary>
    /// The reconnects ran out. After <see cref="EndAsync()"/> that is the end the application asked for, unconfirmed:
    /// the stream completes normally and the end request fails with the reason (ours; the same as a 404 after the end
    /// request). Otherwise the stream throws <paramref name="error"/>.
    /// </summary>
    private SessionEnd GaveUp(SessionClosedException error) =>
        Volatile.Read(ref _endRequested)
            ? SessionEnd.Closed($"the session was ending as asked, but the end could not be confirmed: {error.Message}")
            : SessionEnd.Failed(error);

    /// <summary>
    /// The application asked to end the session and the server no longer knows it (§5e, §5g): it ended as asked,
    /// though the drop lost the end request's echo and SESSION_END. Ours: end normally, saying so.
    /// </summary>
    private static SessionEnd EndedAsAsked(string answer) =>
        SessionEnd.Closed($"the session ended: after the end request the server no longer knows it ({answer}), so its echo and SESSION_END were not received");

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

    /// <summary>Asks the provider for a fresh token; returns the end of the session when that failed, else null.</summary>
    private async Task<SessionEnd?> RenewTokenAsync(Func<CancellationToken, ValueTask<AccessToken>> provider, PolyChatApiException refused)
    {
        SessionLog.RenewingToken(_logger);
        try
        {
            var fresh = await provider(_stop.Token).ConfigureAwait(false);
            ArgumentNullException.ThrowIfNull(fresh, nameof(SessionOptions.AccessTokenProvider));
            Volatile.Write(ref _token, fresh);
            return null;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return SessionEnd.Disposed;
        }
        catch (Exception exception) when (CallbackGuard.IsRecoverable(exception))
        {
            // The provider's own failure, with the refusal it tried to cure.
            return SessionEnd.Failed(new SessionClosedException(
                $"The server refused the access token (401 authentication failed) and SessionOptions.AccessTokenProvider failed ({exception.GetType().Name}).",
                null,
                new AggregateException(refused, exception)));
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

    /// <summary>Waits before reconnect attempt <paramref name="failures"/>; returns the end when there is to be none, else null.</summary>
    private async Task<SessionEnd?> BackOffAsync(int failures)
    {
        if (failures > ReconnectLimit)
        {
            return SessionEnd.Closed("the reconnect attempts ran out");
        }

        var delay = ReconnectDelay(failures, _options.InitialReconnectDelay, _options.MaxReconnectDelay, _options.Jitter());
        try
        {
            await Task.Delay(delay, _options.TimeProvider, _stop.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException)
        {
            return SessionEnd.Disposed;
        }
    }
}
