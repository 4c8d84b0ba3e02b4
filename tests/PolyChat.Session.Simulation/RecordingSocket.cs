using System;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Session.Simulation;

/// <summary>
/// The client's end of one in-memory connection, recording what crosses it: every text frame both ways with its
/// virtual time, the close or reset that ended it, and whether any frame arrived at all.
/// </summary>
internal sealed class RecordingSocket : WebSocket
{
    private readonly WebSocket _inner;
    private readonly Trace _trace;
    private readonly int _ordinal;
    private readonly Action<string> _received;
    private readonly Action<string> _sent;
    private readonly List<byte> _partial = [];
    private readonly VirtualClock _clock;
    private TimeSpan? _endedAt;

    public RecordingSocket(WebSocket inner, VirtualClock clock, Trace trace, int ordinal, Action<string> received, Action<string> sent)
    {
        _clock = clock;
        _inner = inner;
        _trace = trace;
        _ordinal = ordinal;
        _received = received;
        _sent = sent;
    }

    /// <summary>Whether any frame arrived on it (a connection that brought nothing counts as a failed attempt).</summary>
    public bool Productive { get; private set; }

    /// <summary>Whether the connection is over: closed, reset or aborted.</summary>
    public bool Ended
    {
        get => _endedAt is not null;
        private set
        {
            if (value)
            {
                _endedAt ??= _clock.Elapsed;
            }
        }
    }

    /// <summary>When the client learnt the connection was over (virtual time), or null while it is open.</summary>
    public TimeSpan? EndedAt => _endedAt;

    public override WebSocketCloseStatus? CloseStatus => _inner.CloseStatus;

    public override string? CloseStatusDescription => _inner.CloseStatusDescription;

    public override WebSocketState State => _inner.State;

    public override string? SubProtocol => _inner.SubProtocol;

    public override void Abort()
    {
        Ended = true;
        _trace.Add($"c{_ordinal}", "client aborts the socket");
        _inner.Abort();
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        _trace.Add($"c{_ordinal}", FormattableString.Invariant($"client closes {(int)closeStatus}"));
        return _inner.CloseAsync(closeStatus, statusDescription, cancellationToken);
    }

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        _trace.Add($"c{_ordinal}", FormattableString.Invariant($"client closes output {(int)closeStatus}"));
        return _inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);
    }

    public override void Dispose()
    {
        Ended = true;
        _inner.Dispose();
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        return new WebSocketReceiveResult(result.Count, result.MessageType, result.EndOfMessage, _inner.CloseStatus, _inner.CloseStatusDescription);
    }

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ValueWebSocketReceiveResult result;
        try
        {
            result = await _inner.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Ended = true;
            _trace.Add($"c{_ordinal}", $"receive failed: {exception.GetType().Name}");
            throw;
        }

        if (result.MessageType == WebSocketMessageType.Close)
        {
            Ended = true;
            _trace.Add($"c{_ordinal}", FormattableString.Invariant($"<- close {(int?)_inner.CloseStatus} {_inner.CloseStatusDescription}"));
            return result;
        }

        Productive = true;
        _partial.AddRange(buffer.Span[..result.Count]);
        if (result.EndOfMessage)
        {
            var text = result.MessageType == WebSocketMessageType.Text ? Encoding.UTF8.GetString([.. _partial]) : $"<{result.MessageType} {_partial.Count} bytes>";
            _partial.Clear();
            _trace.Add($"c{_ordinal}", "<- " + text);
            _received(text);
        }

        return result;
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        // The session sends whole text frames; each is one client event.
        var text = Encoding.UTF8.GetString(buffer.Span);
        _trace.Add($"c{_ordinal}", "-> " + text);
        _sent(text);
        return _inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, WebSocketMessageFlags messageFlags, CancellationToken cancellationToken) =>
        SendAsync(buffer, messageType, messageFlags.HasFlag(WebSocketMessageFlags.EndOfMessage), cancellationToken);
}
