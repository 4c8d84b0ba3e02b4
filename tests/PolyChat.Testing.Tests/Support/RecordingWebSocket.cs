using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Client;

namespace PolyChat.Testing.Tests.Support;

/// <summary>
/// A client socket that keeps the text frames it receives and whether the connection ended without a close
/// handshake: what the server put on the wire, which the session client's events do not show (replay batches,
/// abrupt drops). <see cref="Factory"/> opens it the way the session's default socket is opened.
/// </summary>
internal sealed class RecordingWebSocket(WebSocket inner, Uri address) : WebSocket
{
    private readonly List<byte> _partial = [];
    private readonly List<string> _received = [];
    private readonly Lock _gate = new();
    private bool _aborted;
    private bool _closedByClient;

    /// <summary>The address it was opened with (its query holds the cursor).</summary>
    public Uri Address { get; } = address;

    /// <summary>Whether the connection ended without a close frame from the server (a reset or an abort).</summary>
    public bool EndedAbruptly
    {
        get
        {
            lock (_gate)
            {
                return _aborted;
            }
        }
    }

    /// <summary>The text frames received so far, oldest first.</summary>
    public IReadOnlyList<string> Received
    {
        get
        {
            lock (_gate)
            {
                return _received.ToArray();
            }
        }
    }

    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    /// <summary>
    /// A <see cref="SessionOptions.WebSocketFactory"/> that records every socket in <paramref name="sockets"/>,
    /// refusals reported as the default socket reports them (a <see cref="PolyChatApiException"/> with the status).
    /// </summary>
    public static Func<Uri, CancellationToken, ValueTask<WebSocket>> Factory(List<RecordingWebSocket> sockets) =>
        async (address, cancellationToken) =>
        {
            var socket = new ClientWebSocket();
            try
            {
                socket.Options.CollectHttpResponseDetails = true;
                await socket.ConnectAsync(address, cancellationToken);
            }
            catch (Exception exception) when (exception is WebSocketException or HttpRequestException)
            {
                var status = socket.HttpStatusCode == 0 ? (HttpStatusCode?)null : socket.HttpStatusCode;
                socket.Dispose();
                throw new PolyChatApiException(status, null, "The WebSocket handshake failed", exception);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            var recording = new RecordingWebSocket(socket, address);
            lock (sockets)
            {
                sockets.Add(recording);
            }

            return recording;
        };

    public override void Abort()
    {
        MarkClosedByClient();
        inner.Abort();
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Dispose()
    {
        MarkClosedByClient();
        inner.Dispose();
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            var result = await inner.ReceiveAsync(buffer, cancellationToken);
            Record(buffer.AsSpan(0, result.Count), result.MessageType, result.EndOfMessage);
            return result;
        }
        catch (WebSocketException)
        {
            MarkAborted();
            throw;
        }
    }

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            var result = await inner.ReceiveAsync(buffer, cancellationToken);
            Record(buffer.Span[..result.Count], result.MessageType, result.EndOfMessage);
            return result;
        }
        catch (WebSocketException)
        {
            MarkAborted();
            throw;
        }
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    // A receive that fails after the client aborted or disposed the socket itself is not a drop by the server.
    private void MarkAborted()
    {
        lock (_gate)
        {
            _aborted |= !_closedByClient;
        }
    }

    private void MarkClosedByClient()
    {
        lock (_gate)
        {
            _closedByClient = true;
        }
    }

    private void Record(ReadOnlySpan<byte> bytes, WebSocketMessageType type, bool endOfMessage)
    {
        if (type != WebSocketMessageType.Text)
        {
            return;
        }

        lock (_gate)
        {
            _partial.AddRange(bytes);
            if (endOfMessage)
            {
                _received.Add(Encoding.UTF8.GetString([.. _partial]));
                _partial.Clear();
            }
        }
    }
}
