using System;
using System.Collections.Generic;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;
using Xunit;

namespace PolyChat.Testing.Tests.Support;

/// <summary>A raw <see cref="ClientWebSocket"/> that reads whole frames as events.</summary>
internal sealed class ChatSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;

    private ChatSocket(ClientWebSocket socket) => _socket = socket;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public WebSocketState State => _socket.State;

    public static async Task<ChatSocket> ConnectAsync(Uri address, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(address, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new ChatSocket(socket);
    }

    public Task SendAsync(string json, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    public Task SendAsync(Event value, CancellationToken cancellationToken) =>
        SendAsync(PolyChatJson.WriteClientEvent(value), cancellationToken);

    /// <summary>The next frame as an event, or null once the server closed the socket.</summary>
    public async Task<Event?> ReceiveAsync(CancellationToken cancellationToken) =>
        await ReceiveTextAsync(cancellationToken) is { } text ? PolyChatJson.Read(text) : null;

    /// <summary>The next frame's text, or null once the server closed the socket.</summary>
    public async Task<string?> ReceiveTextAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var frame = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            frame.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(frame.ToArray());
            }
        }
    }

    /// <summary>
    /// Every frame up to the error answering a bad frame sent now, as text: on a fresh socket, the whole replay
    /// (batches are queued before any live event), without assuming how many batches there are. The probe's
    /// error has no sequence (by default), so it leaves the history as it was.
    /// </summary>
    public async Task<List<string>> ReceiveReplayTextAsync(CancellationToken cancellationToken)
    {
        await SendAsync("""{"type":"EVENT_TYPE_REPLAY_PROBE","payload":{}}""", cancellationToken);
        var frames = new List<string>();
        while (true)
        {
            var text = await ReceiveTextAsync(cancellationToken);
            Assert.NotNull(text);
            if (text.Contains("\"EVENT_TYPE_SYSTEM_MESSAGE\"", StringComparison.Ordinal) && !text.Contains("EVENT_TYPE_EVENT_BATCH", StringComparison.Ordinal))
            {
                return frames;
            }

            frames.Add(text);
        }
    }

    /// <summary>The replay batch that must open every connection.</summary>
    public async Task<IReadOnlyList<Event>> ReceiveBatchAsync(CancellationToken cancellationToken)
    {
        var first = await ReceiveAsync(cancellationToken);
        var batch = Assert.IsType<EventBatchEvent>(first);
        return batch.Payload.Events;
    }

    /// <summary>The next live event; fails on a close.</summary>
    public async Task<Event> ReceiveLiveAsync(CancellationToken cancellationToken)
    {
        var next = await ReceiveAsync(cancellationToken);
        Assert.NotNull(next);
        Assert.IsNotType<EventBatchEvent>(next);
        return next;
    }

    /// <summary>Live events up to and including the first that matches <paramref name="last"/>.</summary>
    public async Task<List<Event>> ReceiveUntilAsync(Func<Event, bool> last, CancellationToken cancellationToken)
    {
        var events = new List<Event>();
        while (true)
        {
            var next = await ReceiveLiveAsync(cancellationToken);
            events.Add(next);
            if (last(next))
            {
                return events;
            }
        }
    }

    /// <summary>Reads until the server's close frame and returns its status.</summary>
    public async Task<WebSocketCloseStatus?> ReceiveCloseAsync(CancellationToken cancellationToken)
    {
        while (await ReceiveAsync(cancellationToken) is not null)
        {
        }

        return _socket.CloseStatus;
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // The test is over; a socket that cannot close cleanly is simply dropped.
            }
        }

        _socket.Dispose();
    }
}
