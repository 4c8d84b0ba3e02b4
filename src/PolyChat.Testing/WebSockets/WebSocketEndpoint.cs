using System;
using System.Buffers;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PolyChat.Testing.Faults;
using PolyChat.Testing.Rest;
using PolyChat.Testing.Sessions;

namespace PolyChat.Testing.WebSockets;

/// <summary>
/// <c>GET /ws</c>, whatever the transport (<see cref="WebSocketUpgrade"/>): the handshake checks (plain HTTP
/// statuses, PROTOCOL.md §5e), the replay after the cursor, then the receive loop. Sending happens on the
/// connection's own writer.
/// </summary>
internal sealed class WebSocketEndpoint
{
    public const string Path = "/ws";

    private const WebSocketCloseStatus SessionUnknown = (WebSocketCloseStatus)4001;
    private const int IdleReceiveBufferBytes = 4096;

    private readonly SimulatorOptions _options;
    private readonly TokenIssuer _tokens;
    private readonly SessionStore _sessions;
    private readonly ClientFrameHandler _handler;
    private readonly FaultInjector _faults;
    private readonly CancellationToken _stopping;

    public WebSocketEndpoint(
        SimulatorOptions options,
        TokenIssuer tokens,
        SessionStore sessions,
        ClientFrameHandler handler,
        FaultInjector faults,
        CancellationToken stopping)
    {
        _options = options;
        _tokens = tokens;
        _sessions = sessions;
        _handler = handler;
        _faults = faults;
        _stopping = stopping;
    }

    /// <summary>Serves one upgrade: the checks of §5e in order, then accept, replay and the receive loop.</summary>
    public async Task HandleAsync(WebSocketUpgrade upgrade)
    {
        var sessionId = upgrade.SessionId;
        var accessToken = upgrade.AccessToken;
        if (!upgrade.IsWebSocketRequest || string.IsNullOrEmpty(sessionId) || string.IsNullOrEmpty(accessToken))
        {
            await upgrade.RejectAsync(StatusCodes.Status400BadRequest, "invalid connection parameters").ConfigureAwait(false);
            return;
        }

        if (!_tokens.IsValid(accessToken))
        {
            await upgrade.RejectAsync(StatusCodes.Status401Unauthorized, "authentication failed").ConfigureAwait(false);
            return;
        }

        // Unknown, ended and expired sessions are all "session not found" (§5e): an ended one does not replay.
        if (!_sessions.TryGet(sessionId, out var session) || session.IsGone())
        {
            if (session?.Behavior.UnknownSessionCloses4001 ?? _options.Behavior.UnknownSessionCloses4001)
            {
                await CloseWith4001Async(upgrade).ConfigureAwait(false);
            }
            else
            {
                await upgrade.RejectAsync(StatusCodes.Status404NotFound, "session not found").ConfigureAwait(false);
            }

            return;
        }

        if (!string.Equals(accessToken, session.AccessToken, StringComparison.Ordinal))
        {
            await upgrade.RejectAsync(StatusCodes.Status401Unauthorized, "authentication failed").ConfigureAwait(false);
            return;
        }

        if (session.TakeHandshakeRefusal() is { } refusal)
        {
            await upgrade.RejectAsync(refusal, "handshake refused (injected)").ConfigureAwait(false);
            return;
        }

        if (!session.TryReserveSlot())
        {
            await upgrade.RejectAsync(StatusCodes.Status429TooManyRequests, "connection limit exceeded for session").ConfigureAwait(false);
            return;
        }

        SocketConnection? connection = null;
        try
        {
            using var socket = await upgrade.AcceptAsync().ConfigureAwait(false);
            using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(_stopping, upgrade.Aborted);
            connection = new SocketConnection(socket, upgrade.Abort, _faults, _options.TimeProvider, session.NextSocketOrdinal(), _options.IdleTimeout);
            session.Attach(connection, CursorParser.Parse(upgrade.Cursor));
            var writer = RunWriterAsync(connection, lifetime.Token);
            await ReceiveAsync(session, connection, socket, lifetime.Token).ConfigureAwait(false);
            await writer.ConfigureAwait(false);
        }
        finally
        {
            session.ReleaseSlot(connection);
            connection?.Dispose();
        }
    }

    // The SDKs read 4001 as "session unknown" (§5g, [SDK]): accept the upgrade, then close with it at once.
    private async Task CloseWith4001Async(WebSocketUpgrade upgrade)
    {
        using var socket = await upgrade.AcceptAsync().ConfigureAwait(false);

        // On the simulator's clock, so a virtual clock never lets a real-time wait decide the outcome.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping, upgrade.Aborted, timeout.Token);
        try
        {
            await socket.CloseAsync(SessionUnknown, "session not found", linked.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            _options.Logger?.LogDebug(exception, "Simulator 4001 close not acknowledged");
        }
    }

    private async Task RunWriterAsync(SocketConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.RunWriterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            _options.Logger?.LogDebug(exception, "Simulator socket writer stopped");
            connection.Abort();
        }
    }

    private async Task ReceiveAsync(SimulatedSession session, SocketConnection connection, WebSocket socket, CancellationToken cancellationToken)
    {
        var limit = _options.MaxMessageSizeBytes;

        // An idle socket waits on a small buffer; a larger frame borrows a bigger one only while it is read, so a
        // connection holds a few KB however large the frames it has seen (thousands of idle clients, one process).
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(IdleReceiveBufferBytes, limit + 1));
        try
        {
            while (true)
            {
                var length = 0;
                var tooLarge = false;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (!tooLarge && length == buffer.Length)
                    {
                        buffer = Grow(buffer, length, limit + 1);
                    }

                    // Past the limit the rest of the message is read over the buffer and discarded.
                    var target = tooLarge ? buffer.AsMemory() : buffer.AsMemory(length);
                    result = await socket.ReceiveAsync(target, cancellationToken).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        connection.EnqueueClose();
                        return;
                    }

                    if (!tooLarge)
                    {
                        length += result.Count;
                        tooLarge = length > limit;
                    }
                }
                while (!result.EndOfMessage);

                session.Touch();
                connection.Touch();
                if (tooLarge)
                {
                    _handler.RejectTooLarge(session, connection);
                }
                else
                {
                    _handler.Handle(session, connection, buffer.AsSpan(0, length));
                }

                if (buffer.Length > IdleReceiveBufferBytes)
                {
                    buffer = Shrink(buffer, Math.Min(IdleReceiveBufferBytes, limit + 1));
                }
            }
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            // The client vanished, the simulator is stopping, or a fault aborted the socket.
            _options.Logger?.LogDebug(exception, "Simulator socket receive stopped");
            connection.Complete();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, int used, int max)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(buffer.Length * 2, used + 1), max));
        buffer.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private static byte[] Shrink(byte[] buffer, int size)
    {
        ArrayPool<byte>.Shared.Return(buffer);
        return ArrayPool<byte>.Shared.Rent(size);
    }

    // Kestrel's ConnectionAbortedException derives from OperationCanceledException, so it is covered too.
    private static bool IsConnectionFailure(Exception exception) =>
        exception is WebSocketException or OperationCanceledException or ObjectDisposedException or System.IO.IOException;
}
