using System;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// What a received event carrying a tracked message's <c>client_event_id</c> is to that message, by PolyAI's rules:
/// the echo is the receipt (PROTOCOL.md §2) and an ERROR system message acts by its text (§6, the table on
/// <see cref="SystemErrors"/>). Decides only; the tracker carries the decision out.
/// </summary>
internal static class EchoRules
{
    /// <summary>Classifies an event that carries <paramref name="message"/>'s id.</summary>
    public static EchoMatch Classify(TrackedMessage message, Event received)
    {
        if (received is SystemMessageEvent system)
        {
            return system.Payload.Level == SystemMessageLevel.Error
                ? ClassifyError(message.Status, SystemErrors.Classify(system.Payload.Message))
                : EchoMatch.None;
        }

        // Only the echo proper is a receipt: the server also copies metadata onto the events the message causes.
        if (received.Id is null || received.Type != message.Event.Type)
        {
            return EchoMatch.None;
        }

        if (message.Echo is { } first)
        {
            if (!message.EchoDelivered)
            {
                // Settled by an echo that arrived ahead of its turn: this is the first copy in order, the one shown.
                return EchoMatch.Repeated;
            }

            // Another server id is another stored copy; the same id is the same echo again (a replay).
            return string.Equals(first.Id, received.Id, StringComparison.Ordinal) ? EchoMatch.Repeated : EchoMatch.ExtraCopy;
        }

        return message.Status == DeliveryStatus.Failed ? EchoMatch.LateEcho : EchoMatch.Sent;
    }

    /// <summary>
    /// Classifies an ERROR system message tied to a message in <paramref name="status"/> (§6): a lost message fails
    /// even when already sent; a transient error retries a pending one; any other error fails a pending one; an error
    /// for a message that has settled changes nothing.
    /// </summary>
    public static EchoMatch ClassifyError(DeliveryStatus status, SystemErrorKind kind) => (kind, status) switch
    {
        (SystemErrorKind.MessageLost, DeliveryStatus.Sending or DeliveryStatus.Sent) => EchoMatch.Lost,
        (_, not DeliveryStatus.Sending) => EchoMatch.ErrorAfterSettled,
        (SystemErrorKind.Transient, _) => EchoMatch.RetryScheduled,
        _ => EchoMatch.Rejected,
    };
}
