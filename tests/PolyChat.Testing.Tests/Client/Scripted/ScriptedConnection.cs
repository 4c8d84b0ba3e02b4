using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace PolyChat.Testing.Tests.Client.Scripted;

/// <summary>One upgrade request to a <see cref="ScriptedServer"/>: refuse it, or accept it and send scripted frames.</summary>
internal sealed class ScriptedConnection
{
    private readonly HttpContext _context;
    private readonly CancellationToken _stopping;
    private readonly ConcurrentQueue<string> _received = new();
    private readonly SemaphoreSlim _receivedSignal = new(0);
    private readonly TaskCompletionSource _clientDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _clientClose = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocket? _socket;

    public ScriptedConnection(int index, HttpContext context, CancellationToken stopping)
    {
        Index = index;
        _context = context;
        _stopping = stopping;
        var query = context.Request.Query;
        Cursor = long.TryParse(query["cursor"], out var cursor) ? cursor : 0;
        AccessToken = query["access_token"].ToString();
        SessionId = query["session_id"].ToString();
        Headers = context.Request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The upgrade request's headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>0 for the first upgrade request, then 1, 2…</summary>
    public int Index { get; }

    /// <summary>The <c>cursor</c> query parameter (§5c; missing means 0).</summary>
    public long Cursor { get; }

    public string AccessToken { get; }

    public string SessionId { get; }

    /// <summary>Every text frame the client sent, in order.</summary>
    public IReadOnlyList<string> Received => _received.ToArray();

    /// <summary>The types of the client's frames, in order.</summary>
    public IReadOnlyList<string> ReceivedTypes => Received.Select(TypeOf).ToArray();

    /// <summary>The close status the client sent, or null when it dropped the socket without a close frame.</summary>
    public Task<WebSocketCloseStatus?> ClientClose => _clientClose.Task;

    /// <summary>Completes when the client closed or dropped the socket (or the request was refused).</summary>
    public Task ClientDone => _clientDone.Task;

    /// <summary>§5e: answers the upgrade with a plain HTTP status and the documented error text.</summary>
    public async Task RefuseAsync(int status, string text)
    {
        _context.Response.StatusCode = status;
        await _context.Response.WriteAsync(text, _stopping);
        _clientDone.TrySetResult();
        _clientClose.TrySetResult(null);
    }

    /// <summary>Accepts the upgrade and starts recording the client's frames.</summary>
    public async Task AcceptAsync()
    {
        _socket = await _context.WebSockets.AcceptWebSocketAsync();
        _ = ReadAsync(_socket);
    }

    /// <summary>Sends one JSON text frame.</summary>
    public Task SendAsync(string json) =>
        _socket!.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, _stopping);

    /// <summary>Starts the close handshake with <paramref name="code"/> (e.g. 1000, or 4001 "session unknown", §5g).</summary>
    public async Task CloseAsync(int code, string reason = "")
    {
        try
        {
            await _socket!.CloseOutputAsync((WebSocketCloseStatus)code, reason, _stopping);
        }
        catch (WebSocketException)
        {
            // The client is gone already.
        }
    }

    /// <summary>Drops the TCP connection without a close frame (what the client sees as 1006).</summary>
    public void Abort()
    {
        _socket?.Abort();
        _clientDone.TrySetResult();
        _clientClose.TrySetResult(null);
    }

    /// <summary>Waits (30 s cap) for a client frame that satisfies <paramref name="match"/>, counting from the first frame.</summary>
    public async Task<string> WaitForFrameAsync(Func<string, bool> match)
    {
        using var cap = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        cap.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = Received.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await _receivedSignal.WaitAsync(cap.Token);
        }
    }

    /// <summary>Waits for a client frame of the given type, e.g. <c>EVENT_TYPE_USER_MESSAGE</c>.</summary>
    public Task<string> WaitForTypeAsync(string type) => WaitForFrameAsync(frame => TypeOf(frame) == type);

    public static string TypeOf(string frame)
    {
        using var document = JsonDocument.Parse(frame);
        return document.RootElement.GetProperty("type").GetString()!;
    }

    /// <summary>The <c>metadata.custom.client_event_id</c> of a client frame, if any.</summary>
    public static string? ClientEventIdOf(string frame)
    {
        using var document = JsonDocument.Parse(frame);
        return document.RootElement.TryGetProperty("metadata", out var metadata)
            && metadata.TryGetProperty("custom", out var custom)
            && custom.TryGetProperty("client_event_id", out var id) ? id.GetString() : null;
    }

    private async Task ReadAsync(WebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), _stopping);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _clientClose.TrySetResult(result.CloseStatus);

                    // RFC 6455: answer the client's close; the server itself never initiated it.
                    try
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, _stopping);
                    }
                    catch (WebSocketException)
                    {
                    }

                    break;
                }

                _received.Enqueue(Encoding.UTF8.GetString(buffer, 0, length));
                _receivedSignal.Release();
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _clientClose.TrySetResult(null);
        }
        finally
        {
            _clientDone.TrySetResult();
            _receivedSignal.Release();
        }
    }
}
