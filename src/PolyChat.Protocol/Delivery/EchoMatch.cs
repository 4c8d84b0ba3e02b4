namespace PolyChat.Protocol.Delivery;

/// <summary>
/// What <see cref="DeliveryTracker.OnEventReceived(PolyChat.Protocol.Events.Event)"/> found a received event to be.
/// Anything but <see cref="None"/> means the event is a receipt or an error for a message this tracker sent, so a
/// chat UI can show it on that message rather than as a new one.
/// </summary>
public enum EchoMatch
{
    /// <summary>
    /// Not an echo or error of a message this tracker knows: handle the event as usual. This includes events of
    /// another type that carry the same <c>metadata.custom</c> (the server copies it onto the events a client
    /// event causes, such as the agent's reply), and ids this tracker never issued or has forgotten.
    /// </summary>
    None,

    /// <summary>The first echo of a pending message: it is now <see cref="DeliveryStatus.Sent"/>.</summary>
    Sent,

    /// <summary>
    /// An echo with a new server event id for a message already echoed: the server holds one more copy
    /// (see <see cref="TrackedMessage.ExtraCopies"/>). Hide it; it is the same message.
    /// </summary>
    ExtraCopy,

    /// <summary>
    /// The very echo already recorded (same server event id), for example replayed history; or the first copy, in the
    /// session's order, of a message that an echo arriving ahead of its turn had already settled. Show it as usual; the
    /// status did not change.
    /// </summary>
    Repeated,

    /// <summary>The first echo of a message that had already failed: the server holds it after all. The status stays <see cref="DeliveryStatus.Failed"/>.</summary>
    LateEcho,

    /// <summary>
    /// A SYSTEM_MESSAGE at level ERROR for a pending message, one that a retry cannot fix (every
    /// <see cref="SystemErrorKind"/> but <see cref="SystemErrorKind.Transient"/> and
    /// <see cref="SystemErrorKind.MessageLost"/>): it is now <see cref="DeliveryStatus.Failed"/> with the server's text.
    /// </summary>
    Rejected,

    /// <summary>A SYSTEM_MESSAGE at level ERROR for a message that had already settled; its status is unchanged.</summary>
    ErrorAfterSettled,

    /// <summary>
    /// A transient ERROR SYSTEM_MESSAGE (<see cref="SystemErrorKind.Transient"/>) for a pending message: it stays
    /// <see cref="DeliveryStatus.Sending"/> and is re-sent after <see cref="DeliveryOptions.TransientErrorDelay"/>.
    /// </summary>
    RetryScheduled,

    /// <summary>
    /// <c>Failed to forward message to live agent</c> (<see cref="SystemErrorKind.MessageLost"/>) for a message: it is
    /// now <see cref="DeliveryStatus.Failed"/> with <see cref="DeliveryFailure.Lost"/>, even if it had been sent.
    /// </summary>
    Lost,
}
