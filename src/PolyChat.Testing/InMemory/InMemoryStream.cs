using System;
using System.IO;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace PolyChat.Testing.InMemory;

/// <summary>
/// One end of an in-memory duplex byte stream: what one end writes the other reads, in order. Closing an end
/// (dispose) is a clean FIN: the peer reads end-of-stream. <see cref="Reset"/> is a TCP reset: both ends' reads
/// and writes fail with an <see cref="IOException"/>, which a <see cref="System.Net.WebSockets.WebSocket"/> over
/// the stream reports as a <see cref="System.Net.WebSockets.WebSocketException"/>, never as a close.
/// </summary>
/// <remarks>
/// Written on a channel of chunks rather than a <see cref="System.IO.Pipelines.Pipe"/>: a reset must fail a read
/// that is already pending on the other end, and completing a pipe's reader while it reads is not allowed.
/// </remarks>
internal sealed class InMemoryStream : Stream
{
    private readonly Channel<byte[]> _inbound;
    private readonly Channel<byte[]> _outbound;
    private readonly Link _link;
    private ReadOnlyMemory<byte> _leftover;

    private InMemoryStream(Channel<byte[]> inbound, Channel<byte[]> outbound, Link link)
    {
        _inbound = inbound;
        _outbound = outbound;
        _link = link;
    }

    /// <summary>Creates a connected pair: the client's end and the server's end.</summary>
    public static (InMemoryStream Client, InMemoryStream Server) CreatePair()
    {
        var toServer = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var toClient = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var link = new Link(toServer, toClient);
        return (new InMemoryStream(toClient, toServer, link), new InMemoryStream(toServer, toClient, link));
    }

    /// <summary>Fails both directions at once, as a connection reset does.</summary>
    public void Reset() => _link.Reset();

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_leftover.IsEmpty)
        {
            while (true)
            {
                try
                {
                    if (_inbound.Reader.TryRead(out var chunk))
                    {
                        _leftover = chunk;
                        break;
                    }

                    if (!await _inbound.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return 0;
                    }
                }
                catch (ChannelClosedException exception)
                {
                    throw new IOException("The in-memory connection was reset.", exception.InnerException ?? exception);
                }
            }
        }

        var count = Math.Min(buffer.Length, _leftover.Length);
        _leftover[..count].CopyTo(buffer);
        _leftover = _leftover[count..];
        return count;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_link.IsReset || !_outbound.Writer.TryWrite(buffer.ToArray()))
        {
            return ValueTask.FromException(new IOException("The in-memory connection was reset or closed."));
        }

        return ValueTask.CompletedTask;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // A clean FIN in our direction: the peer reads what was sent, then end-of-stream.
        _outbound.Writer.TryComplete();
        base.Dispose(disposing);
    }

    // What both ends share: the reset flag and both directions.
    private sealed class Link
    {
        private readonly Channel<byte[]> _a;
        private readonly Channel<byte[]> _b;
        private int _reset;

        public Link(Channel<byte[]> a, Channel<byte[]> b)
        {
            _a = a;
            _b = b;
        }

        public bool IsReset => Volatile.Read(ref _reset) != 0;

        public void Reset()
        {
            if (Interlocked.Exchange(ref _reset, 1) != 0)
            {
                return;
            }

            var reset = new IOException("Connection reset by peer (in-memory).");
            _a.Writer.TryComplete(reset);
            _b.Writer.TryComplete(reset);
        }
    }
}
