using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Streaming;

namespace PolyChat.Protocol.Client;

/// <summary>
/// A live PolyAI chat session over WebSocket: frames are peeked, deduplicated, ordered and assembled,
/// then handed to the application as an <see cref="IAsyncEnumerable{T}"/>; outbound messages are tracked
/// to their echo. It joins the agent on a new session, keeps the heartbeat, and reconnects with the cursor
/// (<see href="https://docs.poly.ai/api-reference/messaging/websocket">WebSocket</see>).
/// </summary>
/// <remarks>
/// <para>Streamed replies reach the application twice: each <see cref="PolyAgentMessageChunkEvent"/> as it
/// arrives (to render text as it grows), then the assembled <see cref="PolyAgentMessageEvent"/> on the last
/// chunk, so code that handles whole messages handles both modes alike.</para>
/// <para>Thread-safe: sends may come from any thread; one reader should enumerate <see cref="ReadEventsAsync"/>.
/// When the application stops reading, the receive loop pauses once <see cref="SessionOptions.EventBufferCapacity"/>
/// events wait (backpressure), and the server's frames queue in the socket.</para>
/// </remarks>
public sealed partial class PolyChatSession : IAsyncDisposable
{
    private const int DefaultHeartbeatSeconds = 30;
    private const int DefaultMaxMessageBytes = 131072;


    private readonly SessionOptions _options;
    private readonly ILogger _logger;
    private readonly EventReceiver _receiver;
    private readonly MessageStreamAssembler _assembler;
    private readonly DeliveryTracker _deliveries;
    private readonly Channel<Event> _events;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    // Guards the receiver, the sequencer behind it and the gap watch: the receive loop, the gap timer and Cursor.
    private readonly object _receiveLock = new();

    // Guards the phase and the timers, so that no timer is started once the end path has stopped them.
    private readonly object _stateLock = new();

    // Only the receive loop drains the receiver, so one pair of lists serves every frame.
    private readonly List<Event> _ready = new();
    private readonly List<SequenceGap> _gaps = new();
    private readonly List<PolyChatJsonException> _rejected = new();
    private readonly List<Event> _arrived = new();

    // Cancelled by DisposeAsync: every wait of the run loop ends with it.
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, long> _sentAt = new(StringComparer.Ordinal);

    // The frame of each pending message the application sent, by client_event_id: written once when it is accepted,
    // sent as it is on every attempt, dropped when the message settles.
    private readonly ConcurrentDictionary<string, ReadOnlyMemory<byte>> _frames = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Set by the first ReadEventsAsync: frames wait in the socket until then, so no signal is raised before
    // the application could subscribe to it.
    private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SessionPhase _phase = SessionPhase.Connecting;
    private SessionConnection? _connection;
    private ITimer? _heartbeat;
    private Task _run = Task.CompletedTask;
    private Capabilities? _capabilities;
    private AccessToken _token;
    private AgentJoin _join;

    // Set by EndAsync: a 404 or a 4001 on reconnect then means the session ended as asked, not that it was lost.
    private bool _endRequested;

    // Set by DisposeAsync before it closes the socket, so the server's answering close is not taken for its own.
    private volatile bool _disposing;
    private long _skippedSequences;

    private PolyChatSession(SessionOptions options)
    {
        _options = options;
        _token = options.AccessToken;
        _logger = options.Logger ?? NullLogger.Instance;
        _receiver = new EventReceiver(options.Sequencing, options.TimeProvider)
        {
            MaxFrameBytes = options.MaxInboundFrameBytes,
        };
        _receiver.StartAt(options.Cursor);
        _assembler = new MessageStreamAssembler(options.Streaming, options.TimeProvider);
        _events = Channel.CreateBounded<Event>(new BoundedChannelOptions(options.EventBufferCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _deliveries = new DeliveryTracker(SendFrameAsync, options.Delivery, options.TimeProvider);
        _receiver.Arrived = _arrived.Add;
        _deliveries.Updated += OnDeliveryUpdated;
        Deliveries = new SessionDeliveries(_deliveries, OnHandlerFailed);

        // Resuming an earlier session: its agent has joined already; only a new session asks for one.
        _join = options.Cursor > 0 ? AgentJoin.Joined : AgentJoin.Unknown;
    }

    /// <summary>Outbound messages and their delivery status; subscribe to <see cref="SessionDeliveries.Updated"/> to follow them.</summary>
    public SessionDeliveries Deliveries { get; }

    /// <summary>The last delivered sequence: pass it as <see cref="SessionOptions.Cursor"/> to resume later.</summary>
    public long Cursor
    {
        get
        {
            lock (_receiveLock)
            {
                return _receiver.Cursor;
            }
        }
    }

    /// <summary>The capabilities from <c>SESSION_START</c>, kept across reconnects (a cursor replay may not repeat them).</summary>
    public Capabilities? Capabilities => Volatile.Read(ref _capabilities);

    /// <summary>
    /// Sequence numbers the server never assigned: a complete replay after the cursor lacked them, so delivery moved
    /// past them at once. They are not lost events (so they raise no <see cref="GapDeclared"/>); PolyAI promises only
    /// that <c>sequence</c> increases, not that it has no holes.
    /// </summary>
    public long SkippedSequences => Interlocked.Read(ref _skippedSequences);

    /// <summary>Raised (on the receive loop) when events were lost for good and delivery moved past them.</summary>
    public event EventHandler<SequenceGap>? GapDeclared;

    /// <summary>
    /// Raised (on the receive loop) for every inbound frame that was dropped (malformed JSON, an invalid event,
    /// a frame over <see cref="SessionOptions.MaxInboundFrameBytes"/>, a binary frame) and for every event of a
    /// replay batch that could not be read while the rest of the batch was delivered. The error says why and
    /// where (<c>$.payload.events[1].payload</c>); the session goes on.
    /// </summary>
    public event EventHandler<PolyChatJsonException>? FrameRejected;

    /// <summary>
    /// Raised (on the receive loop) when a streamed reply is given up before its last chunk: it broke a bound of
    /// <see cref="SessionOptions.Streaming"/>, stayed incomplete past its timeout, or the session ended first.
    /// Its chunks were delivered as they came; the report carries the text assembled so far.
    /// </summary>
    public event EventHandler<AbandonedMessage>? MessageAbandoned;

    /// <summary>
    /// Connects and starts the session. Frames are read from the first <see cref="ReadEventsAsync"/> call on:
    /// subscribe to <see cref="FrameRejected"/>, <see cref="GapDeclared"/>, <see cref="MessageAbandoned"/> and
    /// <see cref="SessionDeliveries.Updated"/> (on <see cref="Deliveries"/>) before it and no signal is missed.
    /// </summary>
    /// <param name="options">Where and how to connect.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The running session.</returns>
    /// <exception cref="PolyChatApiException">
    /// The handshake was refused (404 session not found, 401 authentication failed, also after one fresh token from
    /// <see cref="SessionOptions.AccessTokenProvider"/>, 429, 400).
    /// </exception>
    /// <exception cref="SessionClosedException"><see cref="SessionOptions.AccessTokenProvider"/> failed after a 401.</exception>
    public static async Task<PolyChatSession> ConnectAsync(SessionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var stored = options.Storage is { } storage ? await AcquireAsync(options, storage, cancellationToken).ConfigureAwait(false) : null;
        var session = new PolyChatSession(options);
        if (stored is not null)
        {
            session.Restore(stored, options.Storage!);
        }

        session._run = Task.Run(session.RunAsync, CancellationToken.None);
        try
        {
            await session._firstConnection.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return session;
    }

    /// <summary>The events of the session, each once and in order, until it ends. The first call starts reading frames.</summary>
    /// <param name="cancellationToken">Stops reading (not the session).</param>
    /// <returns>
    /// The events; the sequence ends after <c>SESSION_END</c> (delivered last: the session then closes the socket
    /// itself) or after the server's normal close (1000), and throws <see cref="SessionClosedException"/> when the
    /// server rejects the session (4001, 404, 401) or reconnecting fails too often.
    /// </returns>
    public IAsyncEnumerable<Event> ReadEventsAsync(CancellationToken cancellationToken = default)
    {
        _reading.TrySetResult();
        return _persistence is null ? _events.Reader.ReadAllAsync(cancellationToken) : ReadHandledAsync(cancellationToken);
    }

    /// <summary>Sends a user message and tracks it until its echo (see <see cref="Deliveries"/>).</summary>
    /// <param name="text">The message text.</param>
    /// <param name="custom">Custom metadata to send along; the server echoes it.</param>
    /// <returns>The tracked message.</returns>
    /// <exception cref="ArgumentException">The frame would exceed the server's <c>max_message_size_bytes</c>.</exception>
    /// <exception cref="PendingLimitExceededException">Too many messages await their echo.</exception>
    public ValueTask<TrackedMessage> SendMessageAsync(string text, IReadOnlyDictionary<string, string>? custom = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var message = new UserMessageEvent(new UserMessagePayload { Text = text })
        {
            Metadata = custom is null ? null : new Metadata { Custom = custom },
        };
        return SendAsync(message);
    }

    /// <summary>Sends a client event that the server echoes, tracked until its echo.</summary>
    /// <param name="clientEvent">A user message, user end-session, heartbeat or join request.</param>
    /// <returns>The tracked message.</returns>
    /// <exception cref="ArgumentException">The event is not one the server echoes, or the frame is too large.</exception>
    public ValueTask<TrackedMessage> SendAsync(Event clientEvent)
    {
        if (clientEvent is UserEndSessionEvent)
        {
            // However the end is asked for (EndAsync, or this event directly), a 404 or 4001 afterwards is the end asked for.
            Volatile.Write(ref _endRequested, true);
        }

        // Stamped here, as the tracker would, so the frame is written once: measured now, sent as it is on every attempt.
        var stamped = ClientEventStamp.Stamp(clientEvent, out var clientEventId);
        var frame = Write(stamped);
        EnsureFits(frame.Length);
        if (_persistence is not null)
        {
            return SendDurablyAsync(stamped, clientEventId, frame);
        }

        var added = _frames.TryAdd(clientEventId, frame);
        try
        {
            return _deliveries.SendAsync(stamped);
        }
        catch when (added)
        {
            _frames.TryRemove(clientEventId, out _);
            throw;
        }
    }

    /// <summary>
    /// Tells the live agent the user is typing (or stopped). Not echoed, so not tracked; and not queued: while the
    /// session is reconnecting, or after it ended, nothing is sent (a typing state from before a reconnect would be
    /// stale), and the result says so.
    /// </summary>
    /// <param name="typing">Whether the user is typing.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>Whether the frame went out on the current connection.</returns>
    public async ValueTask<bool> SendTypingAsync(bool typing, CancellationToken cancellationToken = default)
    {
        var typingEvent = new UserTypingEvent(new UserTypingPayload { State = typing ? TypingState.Started : TypingState.Stopped });
        try
        {
            await SendFrameAsync(typingEvent, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SessionNotConnectedException)
        {
            return false;
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            // The socket died under the send: the reconnect that follows does not carry a stale typing state.
            return false;
        }
    }

    /// <summary>
    /// Ends the session on purpose: the server answers with <c>SESSION_END</c> (<c>REASON_USER_END</c>), after which
    /// the session closes the socket. If the connection drops first and the server no longer knows the session on
    /// reconnect (404, or a close with 4001), the session ends normally too, and the returned message fails with a
    /// reason saying so.
    /// </summary>
    /// <returns>The tracked end-session message.</returns>
    public ValueTask<TrackedMessage> EndAsync() => SendAsync(new UserEndSessionEvent(new UserEndSessionPayload()));

    /// <summary>
    /// Closes the connection (normal closure) and stops every loop and timer; pending messages fail saying the
    /// session was disposed, and the event stream completes. Never throws; calling it again does nothing.
    /// </summary>
    /// <returns>A task that completes when everything has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        lock (_stateLock)
        {
            if (_disposing)
            {
                return;
            }

            _disposing = true;
        }

        // The process lets go of a stored session; the session itself goes on: what is pending stays in the outbox for
        // the next process, and a reply still streaming stays open, rather than being settled as failed by this end.
        _persistence?.Detach();

        // The close handshake first: cancelling a pending receive aborts the socket, after which no close can go out.
        if (Volatile.Read(ref _connection)?.Socket is { State: WebSocketState.Open } socket)
        {
            await CloseQuietlyAsync(socket, WebSocketCloseStatus.NormalClosure, "client closing").ConfigureAwait(false);
        }

        _stop.Cancel();
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (Exception exception) when (CallbackGuard.IsRecoverable(exception))
        {
            // RunAsync ends every failure through the end path; nothing it throws is the caller's to see.
            SessionLog.Failed(_logger, exception.Message);
        }

        // The run loop may not have started (or may have failed before its end path): the end path is idempotent.
        await FinishAsync(SessionEnd.Disposed).ConfigureAwait(false);
        _deliveries.Dispose();
        if (_persistence is not null)
        {
            // After the tracker settled everything, so the settlements are written before the lease is given up.
            await _persistence.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask SendFrameAsync(Event value, CancellationToken cancellationToken)
    {
        string? trackedId = null;
        var frame = value.Metadata?.Custom is { } custom && custom.TryGetValue(DeliveryTracker.ClientEventIdKey, out trackedId)
            && _frames.TryGetValue(trackedId, out var written)
            ? written
            : Write(value);
        EnsureFits(frame.Length);
        if (trackedId is not null)
        {
            // Counted in the store before it leaves: a process that dies now still knows this attempt was made.
            await RecordAttemptAsync(trackedId).ConfigureAwait(false);
        }

        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var socket = Volatile.Read(ref _connection)?.Socket ?? throw new SessionNotConnectedException();
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static ReadOnlyMemory<byte> Write(Event value)
    {
        var frame = new ArrayBufferWriter<byte>(256);
        PolyChatJson.WriteClientEvent(frame, value);
        return frame.WrittenMemory;
    }

    private void EnsureFits(int bytes)
    {
        var limit = Capabilities?.MaxMessageSizeBytes is long max and > 0 ? max : DefaultMaxMessageBytes;
        if (bytes > limit)
        {
            throw new ArgumentException(
                $"The frame is {bytes} bytes; the server accepts at most {limit} (capabilities.max_message_size_bytes).");
        }
    }

    private void OnDeliveryUpdated(object? sender, DeliveryUpdate update)
    {
        var id = update.Message.ClientEventId;
        switch (update.Kind)
        {
            case DeliveryUpdateKind.Sending:
                _sentAt.TryAdd(id, _options.TimeProvider.GetTimestamp());
                if (update.Attempts > 1)
                {
                    // Sent again for lack of an echo (or owed since a disconnect): what the counter promises.
                    SessionMetrics.Retries.Add(1);
                }

                break;
            case DeliveryUpdateKind.Sent:
                _frames.TryRemove(id, out _);
                _persistence?.Settled(id, DeliveryStatus.Sent);
                if (_sentAt.TryRemove(id, out var sentAt))
                {
                    SessionMetrics.EchoLatency.Record(_options.TimeProvider.GetElapsedTime(sentAt).TotalMilliseconds);
                }

                break;
            case DeliveryUpdateKind.Failed:
                _sentAt.TryRemove(id, out _);
                _frames.TryRemove(id, out _);
                _persistence?.Settled(id, DeliveryStatus.Failed);
                break;
        }
    }

    private Uri BuildUri()
    {
        var cursor = Cursor;
        var token = Volatile.Read(ref _token);
        var query = $"session_id={Uri.EscapeDataString(_options.SessionId)}&access_token={Uri.EscapeDataString(token.Value)}&cursor={cursor}";
        return new UriBuilder(_options.WebSocketAddress) { Query = query }.Uri;
    }
}
