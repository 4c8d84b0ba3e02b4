using System;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace PolyChat.Testing.Probing;

/// <summary>
/// One raw <see cref="ClientWebSocket"/> of the probe. A single reader loop moves every received message into a
/// queue, so a wait with a time limit never cancels a receive (which would abort the socket) and frames sent
/// before a close or a drop are all kept, in order.
/// </summary>
internal sealed class ProbeSocket : IAsyncDisposable
{
    private const int ReceiveBufferBytes = 16 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly Channel<ProbeFrame> _frames = Channel.CreateUnbounded<ProbeFrame>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private volatile bool _aborted;

    private ProbeSocket(ClientWebSocket socket, int ordinal)
    {
        _socket = socket;
        Ordinal = ordinal;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>1 for the probe's first socket, 2 for the next, and so on.</summary>
    public int Ordinal { get; }

    /// <summary>Whether the probe itself aborted this socket.</summary>
    public bool AbortedByProbe => _aborted;

    /// <summary>Whether the socket can still send.</summary>
    public bool IsOpen => !_aborted && _socket.State == WebSocketState.Open;

    /// <summary>Opens a socket; a refused handshake is reported with its HTTP status, never thrown.</summary>
    public static async Task<ProbeConnectResult> ConnectAsync(Uri address, int ordinal, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(address, cancellationToken).ConfigureAwait(false);
            return new ProbeConnectResult(new ProbeSocket(socket, ordinal), null, null);
        }
        catch (WebSocketException exception)
        {
            var status = socket.HttpStatusCode == 0 ? (int?)null : (int)socket.HttpStatusCode;
            socket.Dispose();

            // The message names no address (the access token travels in the query).
            return new ProbeConnectResult(null, status, status is null ? exception.WebSocketErrorCode.ToString() : null);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The next frame, or null when none came within <paramref name="limit"/> or the socket has nothing more.</summary>
    public async Task<ProbeFrame?> NextAsync(TimeSpan limit, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_frames.Reader.TryRead(out var ready))
        {
            return ready;
        }

        using var timeout = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            return await _frames.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>A frame already received, without waiting.</summary>
    public bool TryNext(out ProbeFrame frame) => _frames.Reader.TryRead(out frame!);

    /// <summary>Whether the reader has stopped and every frame it queued has been taken.</summary>
    public bool IsDrained => _frames.Reader.Completion.IsCompleted;

    public Task SendAsync(string text, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Drops the connection without a close handshake, as a lost network would.</summary>
    public void Abort()
    {
        _aborted = true;
        _socket.Abort();
    }

    /// <summary>Closes with 1000 and waits (within <paramref name="limit"/>) for the server's answer; aborts when it does not come.</summary>
    public async Task CloseAsync(TimeSpan limit, TimeProvider time)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(limit, time);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "probe done", timeout.Token).ConfigureAwait(false);
                while (await NextAsync(limit, time, timeout.Token).ConfigureAwait(false) is { Kind: ProbeFrameKind.Text })
                {
                }
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                // Closing is best effort: an unanswered close ends as an abort below.
            }
        }

        _aborted = true;
        _socket.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        _aborted = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        try
        {
            await _reader.ConfigureAwait(false);
        }
        finally
        {
            _socket.Dispose();
            _stop.Dispose();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[ReceiveBufferBytes];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _frames.Writer.TryWrite(new ProbeFrame(ProbeFrameKind.Closed, CloseStatus: (int?)result.CloseStatus, Detail: result.CloseStatusDescription));
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    _frames.Writer.TryWrite(new ProbeFrame(ProbeFrameKind.Text, Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length)));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            if (!_aborted)
            {
                _frames.Writer.TryWrite(new ProbeFrame(ProbeFrameKind.Dropped, Detail: exception.GetType().Name));
            }
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
