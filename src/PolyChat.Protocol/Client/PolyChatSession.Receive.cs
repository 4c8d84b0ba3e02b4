using System;
using System.Buffers;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Client;

// The receive loop: frames, the end of the replay, and delivery to the application.
public sealed partial class PolyChatSession
{
    // An idle session waits for its next frame on a buffer this small; one that grew past the larger size for a big
    // frame is replaced before the next receive.
    private const int FrameBufferBytes = 4096;
    private const int MaxIdleFrameBufferBytes = 16384;

    /// <summary>Reads frames until the socket closes or the session ends; returns the close status (null for an abnormal drop) and whether any frame arrived.</summary>
    private async Task<(WebSocketCloseStatus? Close, bool Productive)> ReceiveUntilClosedAsync(WebSocket socket, bool reconnecting)
    {
        var frame = new ArrayBufferWriter<byte>(FrameBufferBytes);
        var productive = false;
        _replaySeen = false;

        // §4a: a full history (cursor 0) always starts with a batch holding SESSION_START, so the quiet period
        // starts with the first frame; after a cursor the server may send nothing, so it starts at once.
        var quietFromConnect = Cursor > 0;
        try
        {
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
                    var receive = socket.ReceiveAsync(frame.GetMemory(FrameBufferBytes), _stop.Token);
                    result = firstPart && _inHistory && (productive || quietFromConnect) && !receive.IsCompleted
                        ? await QuietOrReceiveAsync(receive, reconnecting).ConfigureAwait(false)
                        : await receive.ConfigureAwait(false);
                    firstPart = false;
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return (socket.CloseStatus, productive);
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

                productive = true;
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

                if (_inHistory)
                {
                    switch (IsBatch(frame.WrittenSpan))
                    {
                        case false:
                            // The first frame that is not a replay batch is live traffic: the history is complete.
                            await AfterHistoryAsync(reconnecting).ConfigureAwait(false);
                            break;
                        case true:
                            _replaySeen = true;
                            break;
                    }
                }

                await ProcessFrameAsync(frame.WrittenMemory).ConfigureAwait(false);
                if (_endReason is not null)
                {
                    // §3a: nothing follows SESSION_END; the caller closes the socket.
                    return (null, productive);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException
            or ObjectDisposedException)
        {
            // ObjectDisposedException: DisposeAsync aborted the socket (which disposes a ClientWebSocket)
            // between two receives.
            return (null, productive);
        }
        finally
        {
            _inHistory = false;
        }
    }

    /// <summary>
    /// Waits for the next frame, but when none comes for <see cref="SessionOptions.HistoryQuietPeriod"/> while the
    /// replay is still open, takes the history as processed (§4a step 2: "one or more" batches, none marked last;
    /// a reconnect with nothing newer than the cursor may send none). Everything runs on the receive loop.
    /// </summary>
    private async Task<ValueWebSocketReceiveResult> QuietOrReceiveAsync(ValueTask<ValueWebSocketReceiveResult> pending, bool reconnecting)
    {
        var receive = pending.AsTask();
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var delay = Task.Delay(_options.HistoryQuietPeriod, _options.TimeProvider, quiet.Token);
        if (await Task.WhenAny(receive, delay).ConfigureAwait(false) == delay && !delay.IsCanceled)
        {
            await AfterHistoryAsync(reconnecting).ConfigureAwait(false);
        }

        quiet.Cancel();
        return await receive.ConfigureAwait(false);
    }

    // Null when the frame cannot be read: it is rejected later, and the quiet period decides.
    private static bool? IsBatch(ReadOnlySpan<byte> frame)
    {
        try
        {
            return PolyChatJson.PeekEnvelope(frame).IsBatch;
        }
        catch (PolyChatJsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs once per connection, when the replay has been processed (§4a, §4b). A replay is authoritative:
    /// it holds every event after the cursor, so a sequence still missing below a held event was never assigned and
    /// is skipped now, without another reconnect. Then, as the docs order it "after processing the history",
    /// unconfirmed messages are re-sent (only those whose echo was not in it) and a new session asks for its agent
    /// (only when the history holds no <c>POLY_AGENT_JOINED</c>).
    /// </summary>
    private async Task AfterHistoryAsync(bool reconnecting)
    {
        if (!_inHistory)
        {
            return;
        }

        _inHistory = false;
        _ready.Clear();
        _gaps.Clear();
        lock (_receiveLock)
        {
            if (_replaySeen)
            {
                // Only a replay that came can vouch for what is absent: without one (a slow server, or none sent),
                // held events wait for the next repair or the sequencer's gap timeout.
                _receiver.SkipAbsent();
                Drain();
            }

            UpdateGapWatch();
        }

        await PublishAsync().ConfigureAwait(false);
        if (_endReason is not null)
        {
            return;
        }

        if (reconnecting)
        {
            await _deliveries.OnReconnectedAsync().ConfigureAwait(false);
        }

        if (!_agentJoined && !_joinRequested)
        {
            // §2: a new session; the agent never joins by itself.
            _joinRequested = true;
            await _deliveries.SendAsync(new RequestPolyAgentJoinEvent(new RequestPolyAgentJoinPayload())).ConfigureAwait(false);
        }
    }

    private async Task ProcessFrameAsync(ReadOnlyMemory<byte> frame)
    {
        _ready.Clear();
        _gaps.Clear();
        _rejected.Clear();
        lock (_receiveLock)
        {
            // A malformed frame is dropped, and a bad event inside a batch is dropped alone (§4c); the session goes on.
            if (_receiver.Receive(frame.Span, out _) == FrameOutcome.Duplicate)
            {
                SessionMetrics.DuplicatesDropped.Add(1);
            }

            // The receiver queues every rejection, whole frames and single batch events alike.
            while (_receiver.TryTakeRejected(out var rejected))
            {
                _rejected.Add(rejected.Error);
            }

            Drain();
            UpdateGapWatch();
        }

        // The application's handlers run outside the lock, which the gap timer and Cursor also take.
        foreach (var error in _rejected)
        {
            Reject(error);
        }

        await PublishAsync().ConfigureAwait(false);

        // Frames keep coming at least with every heartbeat echo, so a stalled reply is noticed soon after its timeout.
        _assembler.Poll();
        ReportAbandoned();
    }

    private async Task PublishAsync()
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
            GapDeclared?.Invoke(this, gap);
        }

        foreach (var value in _ready)
        {
            if (_endReason is not null)
            {
                // §3a: nothing follows SESSION_END.
                break;
            }

            await DeliverAsync(value).ConfigureAwait(false);
        }
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
            SessionLog.MessageAbandoned(_logger, abandoned.Message.MessageId, abandoned.Reason, abandoned.Message.TextLength);
            MessageAbandoned?.Invoke(this, abandoned);
        }
    }

    private void Reject(PolyChatJsonException error)
    {
        SessionMetrics.FramesRejected.Add(1);
        SessionLog.InvalidFrame(_logger, error.Reason, error.Path, error.BytePosition);
        FrameRejected?.Invoke(this, error);
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

    private async Task DeliverAsync(Event value)
    {
        if (_deliveries.OnEventReceived(value) == EchoMatch.ExtraCopy)
        {
            // A retry the server kept as well: the application saw the message with its first echo; the copy shows
            // only on the tracked message (TrackedMessage.ExtraCopies, an ExtraCopy delivery update) and here.
            SessionMetrics.ExtraCopies.Add(1);
            return;
        }

        switch (value)
        {
            case SessionStartEvent start when start.Payload.Capabilities is { } capabilities:
                Volatile.Write(ref _capabilities, capabilities);
                StartHeartbeat();
                break;
            case PolyAgentJoinedEvent:
                _agentJoined = true;
                break;
            case SessionEndEvent end:
                // Delivered last; the receive loop then closes the socket (§3a, §4a).
                await _events.Writer.WriteAsync(value, _stop.Token).ConfigureAwait(false);
                _endReason = end.Payload.Reason?.Value is { Length: > 0 } reason ? reason : "SESSION_END";
                StopTimers();
                EndStreams();
                return;
            case PolyAgentMessageChunkEvent chunk:
                await _events.Writer.WriteAsync(value, _stop.Token).ConfigureAwait(false);
                var result = _assembler.Add(chunk, out var message);
                ReportAbandoned();
                if (result == ChunkResult.Applied && message!.IsComplete)
                {
                    await _events.Writer.WriteAsync(message.ToMessageEvent(), _stop.Token).ConfigureAwait(false);
                }

                return;
        }

        await _events.Writer.WriteAsync(value, _stop.Token).ConfigureAwait(false);
    }
}
