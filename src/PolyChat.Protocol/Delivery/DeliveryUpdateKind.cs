namespace PolyChat.Protocol.Delivery;

/// <summary>What happened to a tracked message, as reported by <see cref="DeliveryTracker.Updated"/>.</summary>
public enum DeliveryUpdateKind
{
    /// <summary>
    /// An attempt is being handed to the transport: the first send, a retry, or an attempt owed since a disconnect.
    /// <see cref="DeliveryUpdate.Attempts"/> counts it.
    /// </summary>
    Sending,

    /// <summary>The transport threw for the latest attempt; the retry schedule goes on (see <see cref="TrackedMessage.LastSendError"/>).</summary>
    AttemptFailed,

    /// <summary>The first echo arrived: the status is now <see cref="DeliveryStatus.Sent"/>.</summary>
    Sent,

    /// <summary>
    /// Another echo, with a different server event id, arrived for a message already echoed: a retry reached the
    /// server as well as an earlier attempt, so the server holds one more copy of the message.
    /// </summary>
    ExtraCopy,

    /// <summary>The message settled as <see cref="DeliveryStatus.Failed"/>, from <see cref="DeliveryStatus.Sending"/>.</summary>
    Failed,

    /// <summary>
    /// An echo arrived for a message that had already failed (its retries ran out first): the server holds it
    /// after all. The status stays <see cref="DeliveryStatus.Failed"/>; the echo is attached to the message. The same
    /// thing as <see cref="EchoMatch.LateEcho"/>, seen as an update.
    /// </summary>
    LateEcho,

    /// <summary>
    /// A transient ERROR system message (<see cref="SystemErrorKind.Transient"/>, PROTOCOL.md §6) was tied to the
    /// pending message: it stays <see cref="DeliveryStatus.Sending"/> and is re-sent after
    /// <see cref="DeliveryOptions.TransientErrorDelay"/> (see <see cref="TrackedMessage.LastServerError"/>).
    /// </summary>
    RetryScheduled,

    /// <summary>
    /// A message already <see cref="DeliveryStatus.Sent"/> was lost after all (<see cref="SystemErrorKind.MessageLost"/>,
    /// PROTOCOL.md §6: <c>Failed to forward message to live agent</c>): the status is now
    /// <see cref="DeliveryStatus.Failed"/> with <see cref="DeliveryFailure.Lost"/>. This is the only way a sent
    /// message fails, and it has its own kind so that an application that took <see cref="Sent"/> as final can tell
    /// it from an ordinary failure. <see cref="TrackedMessage.Completion"/> keeps its first result
    /// (<see cref="DeliveryStatus.Sent"/>).
    /// </summary>
    Lost,
}
