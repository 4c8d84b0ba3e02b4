namespace PolyChat.Protocol.Delivery;

/// <summary>
/// What an <c>EVENT_TYPE_SYSTEM_MESSAGE</c> at level ERROR means for the message it is tied to, by the strings
/// PolyAI documents (PROTOCOL.md §6; see <see cref="SystemErrors.Classify"/> for the table).
/// </summary>
public enum SystemErrorKind
{
    /// <summary>A text the docs do not list. The tracker fails a pending message with it, as before: nothing says a retry would help.</summary>
    Unrecognised,

    /// <summary>
    /// The client sent something the server cannot accept (§6: <c>Unknown event type or invalid message format</c>,
    /// <c>Event type not allowed: EVENT_TYPE_…</c>). Re-sending the same frame gets the same answer, so the message
    /// fails for good.
    /// </summary>
    InvalidClientEvent,

    /// <summary>
    /// The server is briefly unable to take the message (§6: <c>Our system is experiencing high load. Please try again
    /// in a moment.</c>, "transient; retry after 2–5 s", and <c>Error: Unable to retrieve session</c>, "transient;
    /// retry"). A pending message is re-sent after <see cref="DeliveryOptions.TransientErrorDelay"/>; the re-send
    /// counts as one of its <see cref="DeliveryOptions.MaxRetries"/>.
    /// </summary>
    Transient,

    /// <summary>
    /// The agent could not start or answer (§6: <c>Sorry, I'm unable to start a conversation right now…</c>,
    /// <c>Sorry, I'm having trouble responding right now…</c>, <c>Sorry, I encountered an error…</c>). The docs leave
    /// the re-send to the user, so a pending message fails with the text and the application decides.
    /// </summary>
    AgentError,

    /// <summary>
    /// The session or its configuration is unusable (§6: <c>Error: Session not found</c>, <c>Error: Connector not
    /// found</c>, <c>Error: Conversation not found</c>, <c>Error: Conversation ID not found in session</c>). A pending
    /// message fails; the docs' remedies (a join request, a new session) are the application's to take.
    /// </summary>
    SessionError,

    /// <summary>
    /// A handoff could not be made (§6: <c>Sorry, we could not connect you to an agent…</c>, <c>Sorry, handoff could
    /// not be initiated.</c>). A pending message fails with the text.
    /// </summary>
    HandoffError,

    /// <summary>
    /// A user message was lost during the handoff (§6: <c>Failed to forward message to live agent</c>). The message
    /// fails even when it was already <see cref="DeliveryStatus.Sent"/>: its echo only said the server had it, and it
    /// never reached the human agent (<see cref="DeliveryUpdateKind.Lost"/>).
    /// </summary>
    MessageLost,
}
