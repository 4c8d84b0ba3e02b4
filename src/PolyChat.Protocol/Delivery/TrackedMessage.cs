using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// A client event sent through a <see cref="DeliveryTracker"/>, followed until the server's echo (its delivery
/// receipt) arrives or the tracker gives up.
/// </summary>
/// <remarks>
/// Only the tracker changes a message, one change at a time. Every property can be read from any thread at any time
/// and is current on its own; for several properties as of one change, read them in a
/// <see cref="DeliveryTracker.Updated"/> handler (a <see cref="DeliveryUpdate"/> carries the status and attempt
/// count of its change) or after <see cref="Completion"/> has finished.
/// </remarks>
public sealed class TrackedMessage
{
    // Settled messages share these, so awaiting a settled message allocates nothing.
    private static readonly Task<DeliveryStatus> SentTask = Task.FromResult(DeliveryStatus.Sent);
    private static readonly Task<DeliveryStatus> FailedTask = Task.FromResult(DeliveryStatus.Failed);

    private volatile DeliveryStatus _status;

    // The status the message first settled as (Sending until then): what Completion reports, even after a loss
    // changed Status.
    private volatile DeliveryStatus _settledAs;
    private volatile Event? _echo;
    private volatile string? _failureReason;
    private volatile Exception? _lastSendError;
    private volatile string? _lastServerError;
    private volatile DeliveryFailure _failure;
    private int _attempts;
    private int _extraCopies;

    // Made on first use only: most callers follow the update event and never await a message.
    private TaskCompletionSource<DeliveryStatus>? _completion;

    internal TrackedMessage(string clientEventId, Event sentEvent)
    {
        ClientEventId = clientEventId;
        Event = sentEvent;
        PendingNode = new LinkedListNode<TrackedMessage>(this);
    }

    /// <summary>The <c>metadata.custom.client_event_id</c> every attempt carries and the server echoes back.</summary>
    public string ClientEventId { get; }

    /// <summary>
    /// The event as the tracker sends it: the caller's event with <c>client_event_id</c> added to
    /// <c>metadata.custom</c> (the caller's other pairs kept) and no <c>id</c>, <c>sequence</c> or <c>timestamp</c>.
    /// </summary>
    public Event Event { get; }

    /// <summary>Where the message stands.</summary>
    public DeliveryStatus Status => _status;

    /// <summary>How many times the message was handed to the transport, over all connections; 0 while it is queued for a connection.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>The first echo the server sent back: the receipt. Null until one arrives.</summary>
    public Event? Echo => _echo;

    /// <summary>The server's <c>message_id</c> for a user message, from its echo's payload; null before the echo and for other event types.</summary>
    public string? ServerMessageId => (_echo as UserMessageEvent)?.Payload.MessageId;

    /// <summary>The echo's server-assigned event <c>id</c>; null before the echo.</summary>
    public string? ServerEventId => _echo?.Id;

    /// <summary>The echo's <c>sequence</c>, its place in the session history; null before the echo.</summary>
    public long? ServerSequence => _echo?.Sequence;

    /// <summary>
    /// How many more echoes, each a distinct server event, arrived after <see cref="Echo"/>. Each means the server
    /// stored the message once more: an earlier attempt did reach it although its echo came too late to stop a retry.
    /// </summary>
    public int ExtraCopies => Volatile.Read(ref _extraCopies);

    /// <summary>Whether the server holds the message more than once (<see cref="ExtraCopies"/> is above zero).</summary>
    public bool ServerHoldsExtraCopy => ExtraCopies > 0;

    /// <summary>Why the message failed; <see cref="DeliveryFailure.None"/> unless <see cref="Status"/> is <see cref="DeliveryStatus.Failed"/>.</summary>
    public DeliveryFailure Failure => _failure;

    /// <summary>A readable account of the failure (for <see cref="DeliveryFailure.ServerError"/>, the server's own message); null unless failed.</summary>
    public string? FailureReason => _failureReason;

    /// <summary>What the transport threw on the most recent attempt that failed to go out; null if none did.</summary>
    public Exception? LastSendError => _lastSendError;

    /// <summary>
    /// The text of the most recent ERROR system message tied to this message (by its <c>client_event_id</c>, or by
    /// our rule for a lost message without metadata), including transient ones that only delayed it; null if none.
    /// </summary>
    public string? LastServerError => _lastServerError;

    /// <summary>
    /// Completes with <see cref="DeliveryStatus.Sent"/> or <see cref="DeliveryStatus.Failed"/> when the message
    /// first settles; it never faults or is cancelled. A sent message reported lost later
    /// (<see cref="DeliveryUpdateKind.Lost"/>) keeps this result; read <see cref="Status"/> for the current one. Continuations run asynchronously on the thread pool, never inline on
    /// the thread that settled the message.
    /// </summary>
    public Task<DeliveryStatus> Completion
    {
        get
        {
            if (SettledTask(_settledAs) is { } settled)
            {
                return settled;
            }

            var completion = Volatile.Read(ref _completion);
            if (completion is null)
            {
                var created = new TaskCompletionSource<DeliveryStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
                completion = Interlocked.CompareExchange(ref _completion, created, null) ?? created;
            }

            // Settle writes _settledAs, then reads _completion; this published _completion (a full fence), then reads
            // _settledAs. At least one of the two sees the other's write, so the task cannot be left pending.
            if (_settledAs is var status and not DeliveryStatus.Sending)
            {
                completion.TrySetResult(status);
            }

            return completion.Task;
        }
    }

    // Tracker bookkeeping, read and written under the tracker's lock only.

    /// <summary>The message's place in the tracker's <see cref="PendingMessages"/>; made with the message, so tracking it there allocates nothing.</summary>
    internal LinkedListNode<TrackedMessage> PendingNode { get; }

    /// <summary>When, on the tracker's clock, the message was accepted: the schedule's instants count from here.</summary>
    internal TimeSpan AcceptedAt { get; set; }

    /// <summary>The schedule's next instant (<see cref="RetrySchedule.DueAfter"/>): how many instants have passed.</summary>
    internal int NextAttempt { get; set; }

    /// <summary>An instant passed while the link could not carry the attempt: it goes out on the next connection.</summary>
    internal bool Owed { get; set; }

    /// <summary>When, on the tracker's clock, the next attempt (or the failure) is due.</summary>
    internal TimeSpan DueAt { get; set; }

    internal void CountAttempt() => _attempts++;

    /// <summary>The attempts a stored message was sent before its process stopped; set once, when it is restored.</summary>
    internal void RestoreAttempts(int attempts) => _attempts = attempts;

    internal void RecordSendError(Exception error) => _lastSendError = error;

    internal void RecordExtraCopy() => _extraCopies++;

    internal void RecordServerError(string? text) => _lastServerError = text;

    /// <summary>A sent message reported lost: failed, its echo kept.</summary>
    internal void MarkLost(string reason)
    {
        _failure = DeliveryFailure.Lost;
        _failureReason = reason;
        _status = DeliveryStatus.Failed;
    }

    /// <summary>Attaches the echo of a message that had already failed; its status stays failed.</summary>
    internal void RecordLateEcho(Event echo) => DeliverEcho(echo);

    /// <summary>
    /// Whether an echo of this message has been delivered in order. A message can be settled by an echo that arrived
    /// ahead of its turn (held behind a hole); the copy delivered first in order is the one the application sees.
    /// </summary>
    internal bool EchoDelivered { get; set; }

    /// <summary>The first copy delivered in order becomes the echo (it may be another stored copy than the one that arrived first).</summary>
    internal void DeliverEcho(Event echo)
    {
        _echo = echo;
        EchoDelivered = true;
    }

    /// <summary>Settles the message; the status is written last so a reader that sees it also sees the rest.</summary>
    internal void Settle(DeliveryStatus status, Event? echo, DeliveryFailure failure, string? reason)
    {
        _echo = echo;
        _failure = failure;
        _failureReason = reason;
        _settledAs = status;
        _status = status;

        // The fence pairs with the one in Completion (see there). Continuations are queued to the thread pool
        // (RunContinuationsAsynchronously), so completing under the tracker's lock runs no caller code there.
        Interlocked.MemoryBarrier();
        Volatile.Read(ref _completion)?.TrySetResult(status);
    }

    private static Task<DeliveryStatus>? SettledTask(DeliveryStatus settledAs) => settledAs switch
    {
        DeliveryStatus.Sent => SentTask,
        DeliveryStatus.Failed => FailedTask,
        _ => null,
    };
}
