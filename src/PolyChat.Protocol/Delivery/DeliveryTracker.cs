using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// The outbound side of a session: sends client events, matches the server's echoes to them as delivery receipts,
/// retries when no echo comes, and reports each message's <see cref="DeliveryStatus"/>. Transport-agnostic: it
/// sends through a delegate and is told about received events and connection changes.
/// </summary>
/// <remarks>
/// <para>
/// The protocol's receipt is the echo: when the server processes a client event it sends the same type back with
/// <c>id</c>, <c>sequence</c> and <c>timestamp</c> filled in (a user message also gains a server
/// <c>message_id</c>), and with the client's <c>metadata.custom</c> unchanged. The docs suggest a
/// <c>client_event_id</c> there to match echoes, and a retry when none arrives within about 5 seconds, up to 3
/// times with growing delays (<see href="https://docs.poly.ai/api-reference/messaging/events-send">sending
/// events</see>). Error system messages echo <c>metadata.custom</c> too
/// (<see href="https://docs.poly.ai/api-reference/messaging/errors">errors</see>).
/// </para>
/// <para>How a message moves:</para>
/// <list type="bullet">
/// <item><description>
/// <see cref="SendAsync"/> puts a new GUID in <c>metadata.custom.client_event_id</c> (keeping the caller's other
/// pairs), tracks the message as <see cref="DeliveryStatus.Sending"/> and hands it to the transport.
/// </description></item>
/// <item><description>
/// <see cref="OnEventReceived(Event)"/> with the echo, an event of the same type carrying that id, makes it
/// <see cref="DeliveryStatus.Sent"/> and attaches the echo (server <c>message_id</c>, <c>id</c>,
/// <c>sequence</c>). A second echo with another server id is the same message stored twice (a retry that was
/// not needed): it is reported as <see cref="EchoMatch.ExtraCopy"/>, never as a new message.
/// </description></item>
/// <item><description>
/// Without an echo, the same event (same <c>client_event_id</c>) is re-sent on the documented schedule
/// (PROTOCOL.md §2, the receipt algorithm), whose instants and deadline <see cref="DeliveryOptions"/> states.
/// A transport that throws counts as an attempt that did not arrive: the schedule goes on.
/// </description></item>
/// <item><description>
/// An ERROR system message carrying the id acts by its documented meaning (PROTOCOL.md §6; the table is on
/// <see cref="SystemErrors"/>): a transient one (<c>Our system is experiencing high load…</c>) re-sends the message
/// after <see cref="DeliveryOptions.TransientErrorDelay"/>; <c>Failed to forward message to live agent</c> fails it
/// even when already sent (<see cref="DeliveryUpdateKind.Lost"/>); the others fail it with the server's text.
/// <c>EVENT_TYPE_SESSION_END</c>, <see cref="OnClosed"/> and <see cref="Dispose"/> fail every pending message
/// with a reason; messages sent afterwards fail at once.
/// </description></item>
/// <item><description>
/// The schedule is kept on the clock whatever the link does: <see cref="OnDisconnected"/> makes each attempt that
/// falls due meanwhile owed to the next connection, and <see cref="OnReconnectedAsync"/> sends the owed ones (one
/// each, in their original order) and nothing else, since the reconnect's replay settles what the server already
/// holds. A message is sent at most <see cref="DeliveryOptions.MaxRetries"/> + 1 times and fails at its deadline
/// on any link.
/// </description></item>
/// </list>
/// <para>
/// Bounded: at most <see cref="DeliveryOptions.MaxPending"/> messages are pending (one more throws
/// <see cref="PendingLimitExceededException"/>) and the last <see cref="DeliveryOptions.SettledWindow"/> settled
/// ones are remembered; a settled message is dropped from the pending list at once. Both grow with use, so an idle
/// tracker is small. One timer serves all messages and is disarmed whenever nothing is pending, so nothing per
/// message is left behind to cancel or dispose and an idle tracker does no timer work. Once the collections have
/// grown to the session's peak, tracking a message allocates its <see cref="TrackedMessage"/> (with its list node),
/// the id string and the event copy that carries it (with its metadata); matching its echo allocates nothing.
/// </para>
/// <para>
/// Thread-safe: the application's sends, the receive loop, the timer and reconnects may call in from different
/// threads at once. State changes happen under one lock; the transport and <see cref="Updated"/> handlers are
/// never called while it is held. Handlers are called one at a time, in the order the changes happened, on the
/// thread that made the change (a sender, the receive loop or the timer) or on the one already running handlers,
/// so they must be quick and must not block. The transport may be called from several threads at once (a retry may overlap a send) and must
/// serialise its own writes, as a WebSocket requires.
/// </para>
/// </remarks>
public sealed partial class DeliveryTracker : IDisposable
{
    /// <summary>The <c>metadata.custom</c> key that carries the id the echo is matched by: <c>client_event_id</c>.</summary>
    public const string ClientEventIdKey = "client_event_id";

    private readonly AttemptSender _attempts;
    private readonly RetrySchedule _retries;
    private readonly int _maxPending;

    // _lock guards the state below and every TrackedMessage's bookkeeping. The scheduler and the dispatcher have
    // their own locks, taken under this one or without it, never the other way round.
    private readonly object _lock = new();
    private readonly PendingMessages _pending = new();
    private readonly SettledWindow _settled;
    private readonly LinkState _link = new();
    private readonly DeadlineScheduler _schedule;
    private readonly UpdateDispatcher _updates;
    private long _extraCopies;

    // Our rule for a "Failed to forward message to live agent" without metadata (the docs are silent): it is the
    // most recently sent user message, while that one is still sent and in the settled window.
    private TrackedMessage? _lastSentUserMessage;
    private bool _disposed;

    /// <summary>Creates a tracker; it assumes the transport is connected until told otherwise.</summary>
    /// <param name="transport">
    /// Sends one client event, for example by writing <see cref="PolyChatJson.WriteClientEvent(Event)"/> to the
    /// socket. Called for first sends, retries and re-sends; the token is cancelled when the tracker is disposed.
    /// An exception it throws (synchronously or from the task) counts as a failed attempt.
    /// </param>
    /// <param name="options">Retry schedule and bounds; defaults when null.</param>
    /// <param name="timeProvider">The clock of the retry schedule; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> is null.</exception>
    public DeliveryTracker(Func<Event, CancellationToken, ValueTask> transport, DeliveryOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        options ??= new DeliveryOptions();
        _attempts = new AttemptSender(transport, RecordSendError);
        _retries = new RetrySchedule(options);
        _maxPending = options.MaxPending;
        _settled = new SettledWindow(options.SettledWindow);
        _updates = new UpdateDispatcher(this);

        // One timer for every message, armed for the earliest deadline; Dispose releases it.
        _schedule = new DeadlineScheduler(timeProvider ?? TimeProvider.System, OnDue);
    }

    /// <summary>
    /// Raised for every change to a tracked message (see <see cref="DeliveryUpdateKind"/>). Handlers run one at a
    /// time, in order, outside the tracker's lock, on the thread that made the change or the one already running
    /// handlers; they must be quick and must not block. An
    /// exception thrown by a handler is caught and dropped, so that one bad handler cannot stop delivery tracking
    /// or crash the timer thread. To consume updates as an <c>IAsyncEnumerable</c>, write them to a
    /// <see cref="System.Threading.Channels.Channel{T}"/> here.
    /// </summary>
    public event EventHandler<DeliveryUpdate>? Updated
    {
        add => _updates.Handlers += value;
        remove => _updates.Handlers -= value;
    }

    /// <summary>How many messages are <see cref="DeliveryStatus.Sending"/>.</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// How many extra copies were echoed in total (<see cref="EchoMatch.ExtraCopy"/>): each is a message the server
    /// stored once more because a retry reached it as well as an earlier attempt. A session hides these events from
    /// the application (it sees each message once); this counter and <see cref="DeliveryUpdateKind.ExtraCopy"/>
    /// are where they show.
    /// </summary>
    public long ExtraCopies
    {
        get
        {
            lock (_lock)
            {
                return _extraCopies;
            }
        }
    }

    /// <summary>
    /// Tracks a client event and sends it: assigns its <c>client_event_id</c>, hands it to the transport, and
    /// returns once the transport has taken the first attempt.
    /// </summary>
    /// <param name="clientEvent">
    /// An event the server echoes (<see cref="EventDirection.Both"/>): user message, join request, end session or
    /// heartbeat. Its <c>metadata.custom</c> pairs are kept. If they already hold a <c>client_event_id</c>, that id
    /// is used, so re-sending a failed message's <see cref="TrackedMessage.Event"/> keeps its identity.
    /// </param>
    /// <returns>
    /// The tracked message, <see cref="DeliveryStatus.Sending"/> (also when the first attempt threw, or when it is
    /// queued because the transport is disconnected), or <see cref="DeliveryStatus.Failed"/> at once, unsent, when
    /// the session has already ended or closed.
    /// </returns>
    /// <remarks>
    /// There is no cancellation token: once tracked, a message belongs to the tracker until it settles. Transport
    /// calls get the tracker's own token, cancelled by <see cref="Dispose"/>. Argument and limit errors are thrown
    /// synchronously, before anything is tracked or sent.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="clientEvent"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The event is one only the server sends; or one the server never echoes (so no receipt could come); or it
    /// carries an empty <c>client_event_id</c>, or one that belongs to a message still pending.
    /// </exception>
    /// <exception cref="PendingLimitExceededException"><see cref="DeliveryOptions.MaxPending"/> messages are pending.</exception>
    /// <exception cref="ObjectDisposedException">The tracker is disposed.</exception>
    public ValueTask<TrackedMessage> SendAsync(Event clientEvent)
    {
        var (message, send) = Track(clientEvent);
        _updates.Dispatch();

        // Armed for the message's next instant, also when it is only queued: its deadline runs from now.
        _schedule.Apply();
        if (!send)
        {
            return new ValueTask<TrackedMessage>(message);
        }

        var attempt = _attempts.SendAsync(message);
        if (attempt.IsCompletedSuccessfully)
        {
            // The transport finished synchronously: no state machine, nothing allocated for the wait.
            attempt.GetAwaiter().GetResult();
            return new ValueTask<TrackedMessage>(message);
        }

        return AwaitFirstAttemptAsync(attempt, message);
    }

    /// <summary>Looks up a pending or recently settled message by its <c>client_event_id</c>.</summary>
    /// <param name="clientEventId">The id.</param>
    /// <param name="message">The message, when known.</param>
    /// <returns>Whether the id is pending or still in the settled window.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clientEventId"/> is null.</exception>
    public bool TryGetMessage(string clientEventId, out TrackedMessage message)
    {
        ArgumentNullException.ThrowIfNull(clientEventId);
        lock (_lock)
        {
            return Find(clientEventId, out message);
        }
    }

    /// <summary>
    /// Fails every pending message with <see cref="DeliveryFailure.Disposed"/>, cancels transport calls in progress
    /// and disposes the timer. Later <see cref="SendAsync"/> calls throw <see cref="ObjectDisposedException"/>;
    /// <see cref="OnEventReceived(Event)"/>, <see cref="OnDisconnected"/>, <see cref="OnReconnectedAsync"/> and
    /// <see cref="OnClosed"/> do nothing.
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            EndLocked(DeliveryFailure.Disposed, "The delivery tracker was disposed before the server echoed the message.");
            _disposed = true;
        }

        _attempts.Cancel();
        _schedule.Dispose();
        _updates.Dispatch();
    }

    private static async ValueTask<TrackedMessage> AwaitFirstAttemptAsync(ValueTask attempt, TrackedMessage message)
    {
        await attempt.ConfigureAwait(false);
        return message;
    }

    private (TrackedMessage Message, bool Send) Track(Event clientEvent)
    {
        // Built before taking the lock: the copy and the id are the only allocations of a send.
        var stamped = ClientEventStamp.Stamp(clientEvent, out var clientEventId);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var message = new TrackedMessage(clientEventId, stamped);
            if (_link.IsEnded)
            {
                message.Settle(DeliveryStatus.Failed, echo: null, _link.EndFailure, _link.EndReason);
                Report(message, DeliveryUpdateKind.Failed);
                return (message, false);
            }

            if (_pending.Count >= _maxPending)
            {
                throw new PendingLimitExceededException(_maxPending);
            }

            // A settled message may be re-sent under its id: the new one takes the id over (pending is looked up first).
            if (_pending.TryGet(clientEventId, out _))
            {
                throw new ArgumentException(
                    $"metadata.custom.{ClientEventIdKey} '{clientEventId}' belongs to a message still pending.", nameof(clientEvent));
            }

            _pending.Add(message);
            message.AcceptedAt = _schedule.Now;
            if (!_link.SendsGoOut)
            {
                // Accepted now, sent when the link is back: the schedule's instants and its deadline count from here.
                message.NextAttempt = 1;
                message.Owed = true;
                message.DueAt = message.AcceptedAt + _retries.DueAfter(1);
                _schedule.Request(message.DueAt);
                return (message, false);
            }

            message.NextAttempt = 1;
            StartAttempt(message);
            return (message, true);
        }
    }

    /// <summary>A pending message, else a recently settled one, by id. Under the lock.</summary>
    private bool Find(string clientEventId, out TrackedMessage message) =>
        _pending.TryGet(clientEventId, out message) || _settled.TryGet(clientEventId, out message);

    /// <summary>
    /// Counts an attempt that is about to go out and schedules the message's next instant (the next attempt or,
    /// after the last, the deadline). Under the lock; the caller hands the message to the transport after releasing it.
    /// </summary>
    private void StartAttempt(TrackedMessage message)
    {
        ScheduleNext(message);
        CountAttempt(message);
    }

    /// <summary>Counts an attempt that is about to be handed to the transport. Under the lock.</summary>
    private void CountAttempt(TrackedMessage message)
    {
        message.Owed = false;
        message.CountAttempt();
        Report(message, DeliveryUpdateKind.Sending);
    }

    /// <summary>Schedules the message's next instant: the next attempt or, after the last, the deadline. Under the lock.</summary>
    private void ScheduleNext(TrackedMessage message)
    {
        message.DueAt = message.AcceptedAt + _retries.DueAfter(message.NextAttempt);
        _schedule.Request(message.DueAt);
    }

    /// <summary>Queues an update for dispatch. Under the lock, so updates queue in the order of the changes.</summary>
    private void Report(TrackedMessage message, DeliveryUpdateKind kind) =>
        _updates.Enqueue(new DeliveryUpdate(message, kind, message.Status, message.Attempts));
}
