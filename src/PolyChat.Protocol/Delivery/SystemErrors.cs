using System;

namespace PolyChat.Protocol.Delivery;

/// <summary>Reads the ERROR system messages PolyAI documents (PROTOCOL.md §6) as a <see cref="SystemErrorKind"/>.</summary>
/// <remarks>
/// <para>The table, and what a <see cref="DeliveryTracker"/> does with a message the error is tied to (by the
/// <c>metadata.custom.client_event_id</c> the server echoes on errors, §6):</para>
/// <list type="table">
/// <listheader><term>§6 message</term><description>kind: the tracker's reaction</description></listheader>
/// <item><term><c>Unknown event type or invalid message format</c>; <c>Event type not allowed: …</c></term>
/// <description><see cref="SystemErrorKind.InvalidClientEvent"/>: a pending message fails for good.</description></item>
/// <item><term><c>Our system is experiencing high load. Please try again in a moment.</c>; <c>Error: Unable to retrieve session</c></term>
/// <description><see cref="SystemErrorKind.Transient"/>: a pending message is re-sent after
/// <see cref="DeliveryOptions.TransientErrorDelay"/> (default 3 s, inside the docs' 2–5 s), counting as a retry.</description></item>
/// <item><term><c>Sorry, I'm unable to start a conversation right now. …</c>; <c>Sorry, I'm having trouble responding right now. …</c>;
/// <c>Sorry, I encountered an error. …</c></term>
/// <description><see cref="SystemErrorKind.AgentError"/>: a pending message fails; re-sending is the user's call.</description></item>
/// <item><term><c>Error: Session not found</c>; <c>Error: Connector not found</c>; <c>Error: Conversation not found</c>;
/// <c>Error: Conversation ID not found in session</c></term>
/// <description><see cref="SystemErrorKind.SessionError"/>: a pending message fails.</description></item>
/// <item><term><c>Sorry, we could not connect you to an agent. …</c>; <c>Sorry, handoff could not be initiated.</c></term>
/// <description><see cref="SystemErrorKind.HandoffError"/>: a pending message fails.</description></item>
/// <item><term><c>Failed to forward message to live agent</c></term>
/// <description><see cref="SystemErrorKind.MessageLost"/>: the message fails even if it was sent. Without
/// <c>metadata</c> the error names no message; our rule is that it is the most recently sent user message (the
/// docs are silent).</description></item>
/// <item><term>anything else</term>
/// <description><see cref="SystemErrorKind.Unrecognised"/>: a pending message fails with the text.</description></item>
/// </list>
/// <para>Texts are compared ignoring case and surrounding white space; <c>Event type not allowed:</c> is a prefix.
/// An error that settled messages cannot be tied to changes nothing.</para>
/// </remarks>
public static class SystemErrors
{
    /// <summary>§6: the server is under load; "retry after 2–5 s".</summary>
    public const string HighLoad = "Our system is experiencing high load. Please try again in a moment.";

    /// <summary>§6: a lost user message during a handoff.</summary>
    public const string ForwardFailed = "Failed to forward message to live agent";

    private const string NotAllowedPrefix = "Event type not allowed:";

    private static readonly (string Text, SystemErrorKind Kind)[] Documented =
    [
        ("Unknown event type or invalid message format", SystemErrorKind.InvalidClientEvent),
        (HighLoad, SystemErrorKind.Transient),
        ("Error: Unable to retrieve session", SystemErrorKind.Transient),
        ("Sorry, I'm unable to start a conversation right now. Please try again later.", SystemErrorKind.AgentError),
        ("Sorry, I'm having trouble responding right now. Please try again.", SystemErrorKind.AgentError),
        ("Sorry, I encountered an error. Please try again.", SystemErrorKind.AgentError),
        ("Error: Session not found", SystemErrorKind.SessionError),
        ("Error: Connector not found", SystemErrorKind.SessionError),
        ("Error: Conversation not found", SystemErrorKind.SessionError),
        ("Error: Conversation ID not found in session", SystemErrorKind.SessionError),
        ("Sorry, we could not connect you to an agent. Please try again.", SystemErrorKind.HandoffError),
        ("Sorry, handoff could not be initiated.", SystemErrorKind.HandoffError),
        (ForwardFailed, SystemErrorKind.MessageLost),
    ];

    /// <summary>Classifies an ERROR system message's text (see the table in the remarks).</summary>
    /// <param name="message">The <c>payload.message</c>; null reads as <see cref="SystemErrorKind.Unrecognised"/>.</param>
    /// <returns>What the text means for the message it is tied to.</returns>
    public static SystemErrorKind Classify(string? message)
    {
        if (message is null)
        {
            return SystemErrorKind.Unrecognised;
        }

        var text = message.AsSpan().Trim();
        if (text.StartsWith(NotAllowedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return SystemErrorKind.InvalidClientEvent;
        }

        foreach (var (documented, kind) in Documented)
        {
            if (text.Equals(documented, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        return SystemErrorKind.Unrecognised;
    }
}
