using System;
using System.Buffers;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Serialization;
using PolyChat.Protocol.Streaming;

namespace PolyChat.Protocol.Client;

// The receive loop: frames, the end of the replay, and delivery to the application.
public sealed partial class PolyChatSession
{
    // An idle session waits for its next frame on a buffer this small; one that grew past the larger size for a big
    // frame is replaced before the next receive.
    private const int FrameBufferBytes = 4096;
    private const int MaxIdleFrameBufferBytes = 16384;

    /// <summary>
    /// Reads frames until the socket closes or the session ends. Returns the close status (null for an abnormal drop)
    /// and, when something in the frames ended the session (<c>SESSION_END</c>), that end.
    /// </summary>
    private async Task<(WebSocketCloseStatus? Close, SessionEnd? Ended)> ReceiveUntilClosedAsync(SessionConnection connection)
    {
        var socket = connection.Socket;
        var frame = new ArrayBufferWriter<byte>(FrameBufferBytes);
        try
        {
            // §4a/§4b leave open how the server marks the end of its replay. A heartbeat now is answered by an echo that
            // follows the replay, so the first frame that is not a batch ends the history, without waiting out the
            // quiet period; it also starts the idle timer afresh (§5f).
            await SendFrameAsync(new HeartbeatEvent(new HeartbeatPayload()), _stop.Token).ConfigureAwait(false);
            while (true)
            {
                if (frame.Capacity > MaxIdleFrameBufferBytes)
                {
                    // A large frame grew the buffer; an idle socket waits on a small one again (thousands of sessions).
                    frame = new ArrayBufferWriter<byte>(FrameBufferBytes);
                }

                frame.ResetWrittenCount();
                var tooLarge = false;
                ValueWebSocketReceiveResult result;
                var firstPart = true;
                do
                {
                    var receive = socket.ReceiveAsync(frame.GetMemory(FrameBufferBytes), connection.Token);
                    result = firstPart && connection.InHistory && (connection.Productive || connection.CursorAtConnect > 0) && !receive.IsCompleted
                        ? await QuietOrReceiveAsync(receive, connection).ConfigureAwait(false)
                        : await receive.ConfigureAwait(false);
                    firstPart = false;
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return (socket.CloseStatus, null);
                    }

                    frame.Advance(result.Count);
                    if (frame.WrittenCount > _options.MaxInboundFrameBytes)
                    {
                        // Keep reading to the end of the message, but keep nothing of it.
                        tooLarge = true;
                        frame.ResetWrittenCount();
                    }
                }
                while (!result.EndOfMessage);

                connection.Productive = true;
                if (tooLarge)
                {
                    Reject(new PolyChatJsonException($"The frame is over the {_options.MaxInboundFrameBytes}-byte limit; it was skipped unread.", _options.MaxInboundFrameBytes));
                    continue;
                }

                if (result.MessageType != WebSocketMessageType.Text)
                {
                    Reject(new PolyChatJsonException($"A {result.MessageType} frame of {frame.WrittenCount} bytes was skipped: the protocol sends events as text frames.", 0));
                    continue;
                }

                if (await ProcessFrameAsync(frame.WrittenMemory, connection).ConfigureAwait(false) is { } ended)
                {
                    // §3a: nothing follows SESSION_END; the end path closes the socket.
                    return (null, ended);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException
            or SessionNotConnectedException)
        {
            // ObjectDisposedException: the socket was aborted (which disposes a ClientWebSocket) between two receives;
            // SessionNotConnectedException: the gap watch or the end path took the socket before the first send.
            return (null, null);
        }
    }

    /// <summary>
    /// Waits for the next frame, but when none comes for <see cref="SessionOptions.HistoryQuietPeriod"/> while the
    /// replay is still open, takes the history as processed (§4a step 2: "one or more" batches, none marked last;
    /// a reconnect with nothing newer than the cursor may send none). The fallback for a server that does not echo the
    /// heartbeat sent on connect. Everything runs on the receive loop.
    /// </summary>
    private async Task<ValueWebSocketReceiveResult> QuietOrReceiveAsync(ValueTask<ValueWebSocketReceiveResult> pending, SessionConnection connection)
    {
        var receive = pending.AsTask();
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var delay = Task.Delay(_options.HistoryQuietPeriod, _options.TimeProvider, quiet.Token);
        if (await Task.WhenAny(receive, delay).ConfigureAwait(false) == delay && !delay.IsCanceled)
        {
            connection.HistoryEndedByQuiet = true;
            await AfterHistoryAsync(connection).ConfigureAwait(false);
        }

        quiet.Cancel();
        return await receive.ConfigureAwait(false);
    }

    /// <summary>
    /// Runs once per connection, when the replay has been processed (§4a, §4b). A replay is authoritative up to the
    /// highest sequence it held: a sequence still missing below that was never assigned and is skipped now, without
    /// another reconnect. A hole that its one repair reconnect left open (no batch, an empty one, or one that stopped
    /// below it) is declared lost (<see cref="GapReason.RepairFailed"/>) when a live frame ended the history.
    /// Then, as the docs order it "after processing the history", a new session asks for its agent (only when the
    /// history holds no <c>POLY_AGENT_JOINED</c>), and the attempts owed since the disconnect go out (never a second
    /// copy of what the replay showed the server holds).
    /// </summary>
    private async Task AfterHistoryAsync(SessionConnection connection)
    {
        if (!connection.InHistory)
        {
            return;
        }

        connection.InHistory = false;
        if (!TryEnter(SessionPhase.Live))
        {
            return;
        }

        _ready.Clear();
        _gaps.Clear();
        lock (_receiveLock)
        {
            if (connection.BatchSeen)
            {
                // Only a replay that came can vouch for what is absent, and only below the highest sequence it held:
                // it comes oldest first, but a later batch, or a live event, may still bring what lies above.
                _receiver.SkipAbsentThrough(connection.ReplayedThrough);
            }

            if (_repairedBelow is long repaired && _receiver.Counters.Held > 0 && _receiver.LowestHeld <= repaired
                && !connection.HistoryEndedByQuiet)
            {
                // The one repair for this hole brought nothing to fill it: declared lost, not asked for again. When
                // only the quiet period ended the history, a slow batch may still fill it: the gap timeout decides.
                _receiver.ReleaseHeld(GapReason.RepairFailed);
            }

            // Holes the replay left above what it held wait anew, from the end of the history.
            _receiver.ResumeGapTimeouts();
            Drain();
            UpdateGapWatch();
        }

        if (await PublishAsync().ConfigureAwait(false) is not null || IsEnding)
        {
            return;
        }

        if (_join == AgentJoin.Unknown)
        {
            // §2: a new session; the agent never joins by itself. On a reconnect it is owed with the messages accepted
            // meanwhile, and goes out before them (PendingMessages.FirstOwed).
            _join = AgentJoin.Requested;
            await SendAsync(new RequestPolyAgentJoinEvent(new RequestPolyAgentJoinPayload())).ConfigureAwait(false);
        }

        if (connection.IsReconnect)
        {
            await _deliveries.OnReconnectedAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads one text frame into the receiver and hands what is ready to the application; returns the end when the
    /// frame held <c>SESSION_END</c>. While the history is open the frame is peeked first, and only once: the first
    /// frame that is not a replay batch ends the history before it is filed, since the replay vouches only for the
    /// sequences it could hold, not for a live event's.
    /// </summary>
    private async Task<SessionEnd?> ProcessFrameAsync(ReadOnlyMemory<byte> frame, SessionConnection connection)
    {
        EventEnvelope? envelope = null;
        if (connection.InHistory)
        {
            envelope = TryPeek(frame.Span);
            if (envelope is { IsBatch: true })
            {
                connection.BatchSeen = true;
            }
            else if (envelope is not null && connection.LiveFrameEndsHistory)
            {
                // Live traffic (the connect heartbeat's echo at the latest): the history is complete.
                await AfterHistoryAsync(connection).ConfigureAwait(false);
                if (IsEnding)
                {
                    return null;
                }
            }
        }

        _ready.Clear();
        _gaps.Clear();
        _rejected.Clear();
        _arrived.Clear();
        lock (_receiveLock)
        {
            // A malformed frame is dropped, and a bad event inside a batch is dropped alone (§4c); the session goes on.
            var outcome = envelope is { } peeked ? _receiver.ReceivePeeked(frame.Span, peeked, out _) : _receiver.Receive(frame.Span, out _);
            if (outcome == FrameOutcome.Duplicate)
            {
                SessionMetrics.DuplicatesDropped.Add(1);
            }

            if (connection.InHistory && _receiver.LastBatchHighestSequence > connection.ReplayedThrough)
            {
                connection.ReplayedThrough = _receiver.LastBatchHighestSequence;
            }

            // The receiver queues every rejection, whole frames and single batch events alike.
            while (_receiver.TryTakeRejected(out var rejected))
            {
                _rejected.Add(rejected.Error);
            }

            Drain();
            UpdateGapWatch();
        }

        // An echo settles its message when it arrives, even while it waits behind a hole to be delivered in order.
        foreach (var value in _arrived)
        {
            _deliveries.OnEchoArrived(value);
        }

        // The application's handlers run outside the lock, which the gap timer and Cursor also take.
        foreach (var error in _rejected)
        {
            Reject(error);
        }

        if (await PublishAsync().ConfigureAwait(false) is { } ended)
        {
            return ended;
        }

        // Frames keep coming at least with every heartbeat echo, so a stalled reply is noticed soon after its timeout.
        _assembler.Poll();
        ReportAbandoned();
        return null;
    }

    // Null when the frame cannot be read: the receiver rejects it, and the history's end is left to the next frame.
    private static EventEnvelope? TryPeek(ReadOnlySpan<byte> frame)
    {
        try
        {
            return PolyChatJson.PeekEnvelope(frame);
        }
        catch (PolyChatJsonException)
        {
            return null;
        }
    }

    /// <summary>Hands the drained gaps and events to the application; returns the end when one was <c>SESSION_END</c>.</summary>
    private async Task<SessionEnd?> PublishAsync()
    {
        foreach (var gap in _gaps)
        {
            if (gap.Reason == GapReason.NotInReplay)
            {
                // Not a loss: the server never assigned these numbers.
                Interlocked.Add(ref _skippedSequences, gap.Count);
                SessionMetrics.SequencesSkipped.Add(gap.Count);
                SessionLog.SequencesSkipped(_logger, gap.FirstMissing, gap.LastMissing);
                continue;
            }

            SessionMetrics.GapsDeclared.Add(1);
            SessionLog.GapDeclared(_logger, gap.FirstMissing, gap.LastMissing, gap.Reason);
            Raise(GapDeclared, gap, nameof(GapDeclared));
        }

        foreach (var value in _ready)
        {
            if (await DeliverAsync(value).ConfigureAwait(false) is { } ended)
            {
                // §3a: nothing follows SESSION_END.
                return ended;
            }
        }

        return null;
    }

    // No chunk can follow the end of the session: what is still open is reported, not kept.
    private void EndStreams()
    {
        _assembler.Flush();
        ReportAbandoned();
    }

    private void ReportAbandoned()
    {
        while (_assembler.TryTakeAbandoned(out var abandoned))
        {
            SessionMetrics.MessagesAbandoned.Add(1);
            _persistence?.StreamClosed(abandoned.Message.MessageId);
            SessionLog.MessageAbandoned(_logger, abandoned.Message.MessageId, abandoned.Reason, abandoned.Message.TextLength);
            Raise(MessageAbandoned, abandoned, nameof(MessageAbandoned));
        }
    }

    private void Reject(PolyChatJsonException error)
    {
        SessionMetrics.FramesRejected.Add(1);
        SessionLog.InvalidFrame(_logger, error.Reason, error.Path, error.BytePosition);
        Raise(FrameRejected, error, nameof(FrameRejected));
    }

    private void Drain()
    {
        while (_receiver.TryTake(out var output))
        {
            if (output.Kind == SequencerOutputKind.Gap)
            {
                _gaps.Add(output.Gap);
            }
            else
            {
                _ready.Add(output.Event);
            }
        }
    }

    /// <summary>Hands one event to the application; returns the end when it was <c>SESSION_END</c>.</summary>
    private async Task<SessionEnd?> DeliverAsync(Event value)
    {
        if (_deliveries.OnEventReceived(value) == EchoMatch.ExtraCopy)
        {
            // A retry the server kept as well: the application saw the message with its first echo; the copy shows
            // only on the tracked message (TrackedMessage.ExtraCopies, an ExtraCopy delivery update) and here.
            SessionMetrics.ExtraCopies.Add(1);
            return null;
        }

        switch (value)
        {
            case SessionStartEvent start when start.Payload.Capabilities is { } capabilities:
                Volatile.Write(ref _capabilities, capabilities);
                StartHeartbeat();
                break;
            case PolyAgentJoinedEvent:
                _join = AgentJoin.Joined;
                break;
            case RequestPolyAgentJoinEvent when _join == AgentJoin.Unknown:
                // The echo of a join asked for by an earlier process (a stored session): not asked for again.
                _join = AgentJoin.Requested;
                break;
            case SessionEndEvent end:
                // Delivered last; the end path then stops the timers and closes the socket (§3a, §4a).
                await _events.Writer.WriteAsync(value, _stop.Token).ConfigureAwait(false);
                return SessionEnd.Ended(end.Payload.Reason?.Value is { Length: > 0 } reason ? reason : "SESSION_END");
            case PolyAgentMessageChunkEvent chunk:
                await _events.Writer.WriteAsync(value, _stop.Token).ConfigureAwait(false);
                var result = _assembler.Add(chunk, out var message);
                ReportAbandoned();
                if (result == ChunkResult.Applied && message!.IsComplete)
                {
                    await _events.Writer.WriteAsync(message.ToMessageEvent(), _stop.Token).ConfigureAwait(false);
                }

                return null;
        }

        await _events.Writer.WriteAsync(value, _stop.Token).ConfigureAwait(false);
        return null;
    }
}
