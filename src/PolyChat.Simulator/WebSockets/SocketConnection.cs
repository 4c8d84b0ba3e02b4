using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;
using PolyChat.Simulator.Faults;

namespace PolyChat.Simulator.WebSockets;

/// <summary>
/// One accepted socket's outbound side: a bounded queue drained by a single writer, which is where faults
/// are applied. A client that falls <see cref="QueueCapacity"/> frames behind is disconnected, as a real
/// gateway would, instead of the simulator buffering without bound.
/// </summary>
internal sealed class SocketConnection
{
    /// <summary>How many frames may wait for one socket.</summary>
    public const int QueueCapacity = 4096;

    // Replay batches are split so one frame stays far below any sane message-size limit.
    private const int ReplayBatchSize = 100;

    private readonly WebSocket _socket;
    private readonly HttpContext _context;
    private readonly FaultInjector _faults;
    private readonly TimeProvider _time;
    private readonly Channel<OutboundFrame> _queue = Channel.CreateBounded<OutboundFrame>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public SocketConnection(WebSocket socket, HttpContext context, FaultInjector faults, TimeProvider time)
    {
        _socket = socket;
        _context = context;
        _faults = faults;
        _time = time;
    }

    public void EnqueueBatch(IReadOnlyList<Event> history)
    {
        // An empty batch is still sent: it tells the client the replay is complete.
        var offset = 0;
        do
        {
            var count = Math.Min(ReplayBatchSize, history.Count - offset);
            var slice = new Event[count];
            for (var i = 0; i < count; i++)
            {
                slice[i] = history[offset + i];
            }

            Enqueue(new OutboundFrame(OutboundKind.Replay, new EventBatchEvent(new EventBatchPayload { Events = slice })));
            offset += count;
        }
        while (offset < history.Count);
    }

    public void EnqueueLive(Event value) => Enqueue(new OutboundFrame(OutboundKind.Live, value));

    public void EnqueueClose()
    {
        Enqueue(new OutboundFrame(OutboundKind.Close, null));
        _queue.Writer.TryComplete();
    }

    /// <summary>Stops the writer; frames still queued are discarded.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Sends queued frames until the queue completes, a close is sent, or the socket is dropped.</summary>
    public async Task RunWriterAsync(CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        var buffer = new ArrayBufferWriter<byte>(1024);
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var frame))
            {
                switch (frame.Kind)
                {
                    case OutboundKind.Close:
                        await CloseAsync(cancellationToken).ConfigureAwait(false);
                        return;
                    case OutboundKind.Replay:
                        await SendAsync(frame.Event!, buffer, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        if (!await SendLiveAsync(frame.Event!, buffer, cancellationToken).ConfigureAwait(false))
                        {
                            return;
                        }

                        break;
                }
            }
        }
    }

    /// <summary>Drops the connection without a close handshake, as a network failure would.</summary>
    public void Abort()
    {
        _queue.Writer.TryComplete();
        _socket.Abort();
        _context.Abort();
    }

    private void Enqueue(OutboundFrame frame)
    {
        if (!_queue.Writer.TryWrite(frame))
        {
            // Full (the client is not reading) or already completed: either way this socket is finished.
            Abort();
        }
    }

    // Returns false when a fault dropped the connection.
    private async ValueTask<bool> SendLiveAsync(Event value, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        var fault = _faults.Decide(value);
        if (fault.Drop)
        {
            Abort();
            return false;
        }

        if (fault.Delay > TimeSpan.Zero)
        {
            await Task.Delay(fault.Delay, _time, cancellationToken).ConfigureAwait(false);
        }

        if (fault.Hostile is { } hostile)
        {
            await _socket.SendAsync(hostile.Bytes, hostile.MessageType, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }

        if (fault.Reorder && _queue.Reader.TryPeek(out var next) && next.Kind == OutboundKind.Live)
        {
            _queue.Reader.TryRead(out _);
            await SendAsync(next.Event!, buffer, cancellationToken).ConfigureAwait(false);
        }

        if (fault.LoseEcho)
        {
            return true;
        }

        await SendAsync(value, buffer, cancellationToken).ConfigureAwait(false);
        if (fault.Duplicate)
        {
            await SendAsync(value, buffer, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async ValueTask SendAsync(Event value, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        buffer.ResetWrittenCount();
        PolyChatJson.Write(buffer, value);
        await _socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "session ended", cancellationToken).ConfigureAwait(false);
        }
    }
}
