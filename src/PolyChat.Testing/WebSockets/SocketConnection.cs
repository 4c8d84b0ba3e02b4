using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Faults;

namespace PolyChat.Testing.WebSockets;

/// <summary>
/// One accepted socket's outbound side: a bounded queue drained by a single writer, which is where faults
/// are applied. A client that falls <see cref="QueueCapacity"/> frames behind is disconnected, as a real
/// gateway would, instead of the simulator buffering without bound. A socket that receives nothing for the
/// idle timeout is closed with 1001 (PROTOCOL.md §5d gives the timeout; the code is our choice).
/// </summary>
internal sealed class SocketConnection : IDisposable
{
    /// <summary>How many frames may wait for one socket.</summary>
    public const int QueueCapacity = 4096;

    private readonly WebSocket _socket;
    private readonly Action _abortTransport;
    private readonly FaultInjector _faults;
    private readonly TimeProvider _time;
    private readonly Channel<OutboundFrame> _queue = Channel.CreateBounded<OutboundFrame>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly ITimer _idleTimer;
    private bool _closing;
    private readonly TimeSpan _idleTimeout;

    public SocketConnection(WebSocket socket, Action abortTransport, FaultInjector faults, TimeProvider time, int ordinal, TimeSpan idleTimeout)
    {
        _socket = socket;
        _abortTransport = abortTransport;
        _faults = faults;
        _time = time;
        Ordinal = ordinal;
        _idleTimeout = idleTimeout;
        _idleTimer = time.CreateTimer(
            static state => ((SocketConnection)state!).EnqueueClose(WebSocketCloseStatus.EndpointUnavailable, "idle timeout"),
            this,
            idleTimeout,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>1 for the session's first accepted socket, 2 for the next, and so on.</summary>
    public int Ordinal { get; }

    /// <summary>The pause before each replay batch after the first (<see cref="ServerBehavior.ReplayBatchDelay"/>).</summary>
    public TimeSpan ReplayBatchDelay { get; set; }

    /// <summary>Records a received frame: it restarts the idle timer.</summary>
    public void Touch() => _idleTimer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);

    public void EnqueueReplay(IReadOnlyList<byte[]> batches)
    {
        foreach (var batch in batches)
        {
            Enqueue(new OutboundFrame(OutboundKind.Replay, null, batch));
        }
    }

    public void EnqueueLive(Event value) => Enqueue(new OutboundFrame(OutboundKind.Live, value));

    /// <summary>Queues an event to go out exactly as it is, past the faults.</summary>
    public void EnqueueAsIs(Event value) => Enqueue(new OutboundFrame(OutboundKind.AsIs, value));

    public void EnqueueClose(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string reason = "session ended")
    {
        Enqueue(new OutboundFrame(OutboundKind.Close, null, CloseStatus: status, CloseReason: reason));
        _queue.Writer.TryComplete();
    }

    /// <summary>Queues an abrupt drop: everything queued before it is sent, nothing after.</summary>
    public void EnqueueDrop()
    {
        Enqueue(new OutboundFrame(OutboundKind.Drop, null));
        _queue.Writer.TryComplete();
    }

    public void Dispose() => _idleTimer.Dispose();

    /// <summary>Stops the writer; frames still queued are discarded.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Sends queued frames until the queue completes, a close is sent, or the socket is dropped.</summary>
    public async Task RunWriterAsync(CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        var buffer = new ArrayBufferWriter<byte>(1024);
        var replayed = 0;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var frame))
            {
                switch (frame.Kind)
                {
                    case OutboundKind.Close:
                        await CloseAsync(frame.CloseStatus, frame.CloseReason!, cancellationToken).ConfigureAwait(false);
                        return;
                    case OutboundKind.Drop:
                        Abort();
                        return;
                    case OutboundKind.Replay:
                        if (replayed++ > 0 && ReplayBatchDelay > TimeSpan.Zero)
                        {
                            await Task.Delay(ReplayBatchDelay, _time, cancellationToken).ConfigureAwait(false);
                        }

                        await _socket.SendAsync(frame.Raw, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                        break;
                    case OutboundKind.AsIs:
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
        _abortTransport();
    }

    private void Enqueue(OutboundFrame frame)
    {
        if (Volatile.Read(ref _closing))
        {
            // A close or drop is queued: frames after it would never be sent anyway. Aborting here would cut off
            // the frames still queued before the close (SESSION_END among them).
            return;
        }

        if (frame.Kind is OutboundKind.Close or OutboundKind.Drop)
        {
            Volatile.Write(ref _closing, true);
        }

        if (!_queue.Writer.TryWrite(frame))
        {
            // Full: the client is not reading, so this socket is finished.
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

    private async ValueTask CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken cancellationToken)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _socket.CloseOutputAsync(status, reason, cancellationToken).ConfigureAwait(false);
        }
    }
}
