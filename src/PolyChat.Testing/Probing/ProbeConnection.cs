using System;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Testing.Probing;

/// <summary>
/// The probe's conversation: one socket at a time, reconnected with a cursor (the highest sequence seen) when the
/// server drops it, as a client would, so that a drop costs a step nothing. Every event that arrives is kept in
/// order, those seen before by id marked <see cref="ProbeEvent.Repeat"/>; drops are counted for the report.
/// </summary>
internal sealed class ProbeConnection : IAsyncDisposable
{
    private readonly ProbeSockets _sockets;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<ProbeEvent> _pending = new();
    private ProbeSocket? _socket;

    public ProbeConnection(ProbeSockets sockets) => _sockets = sockets;

    /// <summary>The highest sequence seen on the conversation, the cursor of its reconnects.</summary>
    public long? HighestSequence { get; private set; }

    /// <summary>Every event received, in arrival order.</summary>
    public List<ProbeEvent> Log { get; } = [];

    /// <summary>The SESSION_START of the first connect.</summary>
    public ProbeEvent? SessionStart { get; private set; }

    /// <summary>Whether the conversation socket is open now.</summary>
    public bool IsOpen => _socket is { IsOpen: true };

    /// <summary>Opens the first socket (no cursor) or a reconnect after the highest sequence seen.</summary>
    public async Task<ProbeConnectResult> ConnectAsync(CancellationToken cancellationToken)
    {
        await DropCurrentAsync().ConfigureAwait(false);
        var result = await _sockets.ConnectAsync(HighestSequence, cancellationToken).ConfigureAwait(false);
        _socket = result.Socket;
        return result;
    }

    /// <summary>Sends a frame, reconnecting first when the socket is gone, and once more when the send fails.</summary>
    public async Task SendAsync(string frame, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (_socket is not { IsOpen: true })
            {
                await ReconnectAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await _socket!.SendAsync(frame, cancellationToken).ConfigureAwait(false);
                _sockets.FramesSent++;
                return;
            }
            catch (Exception exception) when (attempt == 0 && exception is WebSocketException or System.IO.IOException or ObjectDisposedException)
            {
                _sockets.NoteDrop($"socket {_socket!.Ordinal}: send failed ({exception.GetType().Name}); reconnecting");
            }
        }
    }

    /// <summary>Sends a frame and aborts the socket at once, before anything can answer it.</summary>
    public async Task SendAndAbortAsync(string frame, CancellationToken cancellationToken)
    {
        await SendAsync(frame, cancellationToken).ConfigureAwait(false);
        _socket!.Abort();
    }

    /// <summary>
    /// Reads until <paramref name="done"/> holds for the events that arrived during this wait, the time runs out, or
    /// (with <paramref name="reconnect"/> false, or when a reconnect is refused) the socket ends.
    /// </summary>
    public async Task<ProbeWait> WaitAsync(Func<List<ProbeEvent>, bool> done, TimeSpan limit, CancellationToken cancellationToken, bool reconnect = true)
    {
        var arrivals = new List<ProbeEvent>();
        var deadline = _sockets.Time.GetUtcNow() + limit;
        while (_pending.TryDequeue(out var held))
        {
            arrivals.Add(held);
        }

        while (true)
        {
            if (done(arrivals))
            {
                return new ProbeWait(arrivals, null, TimedOut: false);
            }

            var left = deadline - _sockets.Time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return new ProbeWait(arrivals, null, TimedOut: true);
            }

            if (_socket is null || (_socket.AbortedByProbe && _socket.IsDrained))
            {
                if (!reconnect)
                {
                    return new ProbeWait(arrivals, null, TimedOut: false);
                }

                var refused = await ReconnectAsync(cancellationToken).ConfigureAwait(false);
                if (refused is not null)
                {
                    return new ProbeWait(arrivals, new ProbeFrame(ProbeFrameKind.Closed, Detail: refused), TimedOut: false);
                }

                continue;
            }

            var frame = await _socket.NextAsync(left, _sockets.Time, cancellationToken).ConfigureAwait(false);
            switch (frame?.Kind)
            {
                case null:
                    if (_socket.IsDrained && !_socket.AbortedByProbe)
                    {
                        return new ProbeWait(arrivals, new ProbeFrame(ProbeFrameKind.Dropped), TimedOut: false);
                    }

                    continue;
                case ProbeFrameKind.Text:
                    Take(frame.Text!, _socket.Ordinal, arrivals);
                    continue;
                case ProbeFrameKind.Dropped:
                    _sockets.NoteDrop($"socket {_socket.Ordinal}: {frame.Describe()}");
                    if (!reconnect)
                    {
                        return new ProbeWait(arrivals, frame, TimedOut: false);
                    }

                    var refused = await ReconnectAsync(cancellationToken).ConfigureAwait(false);
                    if (refused is not null)
                    {
                        return new ProbeWait(arrivals, new ProbeFrame(ProbeFrameKind.Closed, Detail: refused), TimedOut: false);
                    }

                    continue;
                default:
                    return new ProbeWait(arrivals, frame, TimedOut: false);
            }
        }
    }

    /// <summary>Closes the conversation socket cleanly.</summary>
    public async Task CloseAsync()
    {
        if (_socket is { } socket)
        {
            await socket.CloseAsync(_sockets.FrameTimeout, _sockets.Time).ConfigureAwait(false);
            DrainInto(socket, null);
        }
    }

    public async ValueTask DisposeAsync() => await DropCurrentAsync().ConfigureAwait(false);

    private async Task<string?> ReconnectAsync(CancellationToken cancellationToken)
    {
        var result = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return result.Socket is null ? result.DescribeRefusal() : null;
    }

    private async Task DropCurrentAsync()
    {
        if (_socket is { } old)
        {
            _socket = null;
            old.Abort();
            DrainInto(old, null);
            await old.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Frames the old socket received before it ended still count: they go to the next wait.
    private void DrainInto(ProbeSocket socket, List<ProbeEvent>? arrivals)
    {
        while (socket.TryNext(out var frame))
        {
            if (frame.Kind == ProbeFrameKind.Text)
            {
                var list = arrivals ?? [];
                Take(frame.Text!, socket.Ordinal, list);
                if (arrivals is null)
                {
                    foreach (var value in list)
                    {
                        _pending.Enqueue(value);
                    }
                }
            }
        }
    }

    private void Take(string text, int socket, List<ProbeEvent> arrivals)
    {
        var frame = ServerFrame.Read(text, socket);
        _sockets.Record(frame, socket);
        foreach (var value in frame.Events)
        {
            var repeat = value.Id is { } id && !_seen.Add(id);
            var kept = repeat ? value with { Repeat = true } : value;
            if (!repeat && kept.Sequence is { } sequence && (HighestSequence is null || sequence > HighestSequence))
            {
                HighestSequence = sequence;
            }

            if (SessionStart is null && kept.Is("SESSION_START"))
            {
                SessionStart = kept;
            }

            Log.Add(kept);
            arrivals.Add(kept);
        }
    }
}
