namespace PolyChat.Protocol.Delivery;

/// <summary>Why a <see cref="TrackedMessage"/> became <see cref="DeliveryStatus.Failed"/>.</summary>
public enum DeliveryFailure
{
    /// <summary>The message has not failed.</summary>
    None,

    /// <summary>
    /// No echo arrived after the first send and <see cref="DeliveryOptions.MaxRetries"/> retries (some of which may
    /// have followed transient server errors; <see cref="TrackedMessage.LastServerError"/> then holds the last).
    /// </summary>
    RetriesExhausted,

    /// <summary>
    /// The server answered with an <c>EVENT_TYPE_SYSTEM_MESSAGE</c> at level ERROR carrying the message's
    /// <c>client_event_id</c>; <see cref="TrackedMessage.FailureReason"/> holds the server's text.
    /// </summary>
    ServerError,

    /// <summary>An <c>EVENT_TYPE_SESSION_END</c> arrived while the message was pending, or the message was sent after it.</summary>
    SessionEnded,

    /// <summary><see cref="DeliveryTracker.OnClosed"/> reported a terminal close while the message was pending, or the message was sent after it.</summary>
    ConnectionClosed,

    /// <summary>The tracker was disposed while the message was pending.</summary>
    Disposed,

    /// <summary>
    /// The server reported the message lost in the handoff (<c>Failed to forward message to live agent</c>,
    /// PROTOCOL.md §6), possibly after it had been echoed (see <see cref="DeliveryUpdateKind.Lost"/>).
    /// </summary>
    Lost,
}
