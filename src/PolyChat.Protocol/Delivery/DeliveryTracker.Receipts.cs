using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;

namespace PolyChat.Protocol.Delivery;

// Receipts: which received event settles, retries or fails which message (PROTOCOL.md §2, §6).
public sealed partial class DeliveryTracker
{
    /// <summary>Matches a received event against the tracked messages. Call it for every event the receive loop delivers.</summary>
    /// <param name="serverEvent">A received event; batches are best flattened first (as <see cref="EventReceiver"/> does).</param>
    /// <returns>What the event was to this tracker; <see cref="EchoMatch.None"/> means handle it as usual.</returns>
    /// <inheritdoc cref="OnEventReceived(Event, out TrackedMessage?)" path="/remarks"/>
    /// <exception cref="ArgumentNullException"><paramref name="serverEvent"/> is null.</exception>
    public EchoMatch OnEventReceived(Event serverEvent) => OnEventReceived(serverEvent, out _);

    /// <summary>Matches a received event against the tracked messages. Call it for every event the receive loop delivers.</summary>
    /// <param name="serverEvent">A received event; batches are best flattened first (as <see cref="EventReceiver"/> does).</param>
    /// <param name="message">The tracked message the event belongs to, unless the result is <see cref="EchoMatch.None"/>.</param>
    /// <returns>What the event was to this tracker; <see cref="EchoMatch.None"/> means handle it as usual.</returns>
    /// <remarks>
    /// <para>
    /// An echo is an event with a server <c>id</c>, of the same type as the sent event, whose
    /// <c>metadata.custom.client_event_id</c> is a known id. Other events carrying the id (the server copies
    /// <c>metadata</c> onto events a client event causes) are not echoes. A second echo, with another server
    /// <c>id</c>, is <see cref="EchoMatch.ExtraCopy"/>: the same message stored twice, which the application must not
    /// see as a new one.
    /// </para>
    /// <para>
    /// A SYSTEM_MESSAGE at level ERROR carrying the id acts by its text (<see cref="SystemErrors"/>, PROTOCOL.md §6):
    /// a transient one re-sends a pending message after <see cref="DeliveryOptions.TransientErrorDelay"/>
    /// (<see cref="EchoMatch.RetryScheduled"/>); <c>Failed to forward message to live agent</c> fails the message even
    /// if it was sent (<see cref="EchoMatch.Lost"/>), and without any <c>client_event_id</c> it is applied to the
    /// most recently sent user message (our rule; the docs are silent); any other fails a pending message
    /// (<see cref="EchoMatch.Rejected"/>). INFO and WARNING ones change nothing.
    /// </para>
    /// <para>
    /// <c>EVENT_TYPE_SESSION_END</c> fails every pending message (<see cref="DeliveryFailure.SessionEnded"/>) and
    /// still returns <see cref="EchoMatch.None"/>, since the application handles it too. A batch passed whole has
    /// each inner event matched and returns <see cref="EchoMatch.None"/>. After <see cref="Dispose"/> this does
    /// nothing.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="serverEvent"/> is null.</exception>
    public EchoMatch OnEventReceived(Event serverEvent, out TrackedMessage? message)
    {
        ArgumentNullException.ThrowIfNull(serverEvent);
        message = null;
        switch (serverEvent)
        {
            case SessionEndEvent end:
                End(DeliveryFailure.SessionEnded, $"The session ended ({end.Payload.Reason?.Value ?? "no reason given"}) before the server echoed the message.");
                return EchoMatch.None;
            case EventBatchEvent batch:
                foreach (var inner in batch.Payload.Events)
                {
                    OnEventReceived(inner, out _);
                }

                return EchoMatch.None;
        }

        if (serverEvent.Metadata?.Custom is not { } custom || !custom.TryGetValue(ClientEventIdKey, out var clientEventId))
        {
            return serverEvent is SystemMessageEvent untied ? MatchUntiedError(untied, out message) : EchoMatch.None;
        }

        EchoMatch result;
        lock (_lock)
        {
            if (_disposed || !Find(clientEventId, out var tracked))
            {
                return EchoMatch.None;
            }

            result = Match(tracked, serverEvent);
            if (result != EchoMatch.None)
            {
                message = tracked;
            }
        }

        // A transient error may have brought a retry forward, and a settled message may have emptied the list.
        _schedule.Apply();
        _updates.Dispatch();
        return result;
    }

    /// <summary>
    /// An event arrived that may be an echo, before it is ordered (it may wait behind a hole): if it is the first echo
    /// of a pending message, the message is sent now, since the echo proves the server has it. Everything else waits
    /// for <see cref="OnEventReceived(Event)"/>, in order; the echo then counts as <see cref="EchoMatch.Repeated"/>.
    /// </summary>
    internal void OnEchoArrived(Event serverEvent)
    {
        if (serverEvent is SystemMessageEvent
            || serverEvent.Metadata?.Custom is not { } custom
            || !custom.TryGetValue(ClientEventIdKey, out var clientEventId))
        {
            return;
        }

        lock (_lock)
        {
            if (_disposed || !_pending.TryGet(clientEventId, out var tracked) || EchoRules.Classify(tracked, serverEvent) != EchoMatch.Sent)
            {
                return;
            }

            // Settled now; which copy the application sees is decided in order (see EchoRules).
            Settle(tracked, DeliveryStatus.Sent, serverEvent, DeliveryFailure.None, reason: null);
        }

        _schedule.Apply();
        _updates.Dispatch();
    }

    private static string LostReason(string? text) =>
        $"The server reported the message lost in the handoff to a live agent (\"{text}\").";

    /// <summary>Carries out what <see cref="EchoRules"/> make of an event for a message. Under the lock.</summary>
    private EchoMatch Match(TrackedMessage message, Event received)
    {
        var match = EchoRules.Classify(message, received);
        var errorText = (received as SystemMessageEvent)?.Payload.Message;
        switch (match)
        {
            case EchoMatch.Sent:
                Settle(message, DeliveryStatus.Sent, received, DeliveryFailure.None, reason: null);
                message.EchoDelivered = true;
                break;
            case EchoMatch.Repeated when !message.EchoDelivered:
                message.DeliverEcho(received);
                break;
            case EchoMatch.ExtraCopy:
                message.RecordExtraCopy();
                _extraCopies++;
                Report(message, DeliveryUpdateKind.ExtraCopy);
                break;
            case EchoMatch.LateEcho:
                message.RecordLateEcho(received);
                Report(message, DeliveryUpdateKind.LateEcho);
                break;
            case EchoMatch.RetryScheduled:
                // §6: "transient; retry after 2–5 s". The attempt takes the place of the next instant of the schedule,
                // so it counts against the attempts and the deadline still holds: an overloaded server cannot keep a
                // message pending for ever. With every attempt made, only the deadline is left.
                message.RecordServerError(errorText);
                if (message.NextAttempt < _retries.MaxAttempts)
                {
                    message.DueAt = Min(_schedule.Now + _retries.TransientWait, message.AcceptedAt + _retries.Deadline);
                    _schedule.Request(message.DueAt);
                }

                Report(message, DeliveryUpdateKind.RetryScheduled);
                break;
            case EchoMatch.Rejected:
                message.RecordServerError(errorText);
                Settle(message, DeliveryStatus.Failed, echo: null, DeliveryFailure.ServerError, errorText);
                break;
            case EchoMatch.Lost when message.Status == DeliveryStatus.Sending:
                message.RecordServerError(errorText);
                Settle(message, DeliveryStatus.Failed, echo: null, DeliveryFailure.Lost, LostReason(errorText));
                break;
            case EchoMatch.Lost:
                message.RecordServerError(errorText);
                message.MarkLost(LostReason(errorText));
                if (ReferenceEquals(_lastSentUserMessage, message))
                {
                    _lastSentUserMessage = null;
                }

                Report(message, DeliveryUpdateKind.Lost);
                break;
        }

        return match;
    }

    /// <summary>An ERROR system message without a <c>client_event_id</c>: only a lost message is tied, by our rule.</summary>
    private EchoMatch MatchUntiedError(SystemMessageEvent system, out TrackedMessage? message)
    {
        message = null;
        if (system.Payload.Level != SystemMessageLevel.Error
            || SystemErrors.Classify(system.Payload.Message) != SystemErrorKind.MessageLost)
        {
            return EchoMatch.None;
        }

        EchoMatch result;
        lock (_lock)
        {
            if (_disposed || _lastSentUserMessage is not { Status: DeliveryStatus.Sent } lost)
            {
                return EchoMatch.None;
            }

            result = Match(lost, system);
            message = lost;
        }

        _updates.Dispatch();
        return result;
    }

    /// <summary>Settles a pending message and moves it from the pending list to the settled window. Under the lock.</summary>
    private void Settle(TrackedMessage message, DeliveryStatus status, Event? echo, DeliveryFailure failure, string? reason)
    {
        _pending.Remove(message);
        message.Settle(status, echo, failure, reason);
        Report(message, status == DeliveryStatus.Sent ? DeliveryUpdateKind.Sent : DeliveryUpdateKind.Failed);

        // With nothing pending the timer is disarmed (at the caller's next Apply), so an idle tracker does no timer
        // work. Otherwise it is left as it is: a wake-up for this message's old deadline finds nothing due.
        if (_pending.Count == 0)
        {
            _schedule.Reset(DeadlineScheduler.Never);
        }

        // A forgotten message is no longer anyone's to mark lost; the window is all the tracker keeps alive.
        var forgotten = _settled.Remember(message);
        if (ReferenceEquals(_lastSentUserMessage, forgotten))
        {
            _lastSentUserMessage = null;
        }

        if (status == DeliveryStatus.Sent && message.Event is UserMessageEvent && !ReferenceEquals(forgotten, message))
        {
            _lastSentUserMessage = message;
        }
    }
}
