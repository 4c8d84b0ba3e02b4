using System;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;
using PolyChat.Simulator.Agent;
using PolyChat.Simulator.Sessions;

namespace PolyChat.Simulator.WebSockets;

/// <summary>
/// Validates one client frame and reacts to it: the echo, then the script. Bad frames get a SYSTEM_MESSAGE
/// at level ERROR, with the frame's <c>metadata.custom</c> echoed, and the socket stays open (PROTOCOL.md §6).
/// </summary>
internal sealed class ClientFrameHandler
{
    /// <summary>The documented message for unparseable JSON or an unrecognised type.</summary>
    public const string InvalidFrameMessage = "Unknown event type or invalid message format";

    /// <summary>The documented prefix for a server-only type sent by the client.</summary>
    public const string NotAllowedPrefix = "Event type not allowed: ";

    /// <summary>The message for a frame larger than the session's limit.</summary>
    public const string TooLargeMessage = "Message too large";

    /// <summary>The documented session-state error for a frame after the session ended.</summary>
    public const string SessionNotFoundMessage = "Error: Session not found";

    /// <summary>The documented error for a user message before the agent was asked to join.</summary>
    public const string ConversationNotFoundMessage = "Error: Conversation not found";

    private readonly ScriptedAgent _agent;

    public ClientFrameHandler(ScriptedAgent agent) => _agent = agent;

    public void Handle(SimulatedSession session, SocketConnection connection, ReadOnlySpan<byte> frame)
    {
        Event inbound;
        try
        {
            inbound = PolyChatJson.Read(frame);
        }
        catch (PolyChatJsonException)
        {
            // A server-only type is refused as such even when its payload is incomplete.
            var message = TryPeekType(frame) is { } type && IsServerOnly(type) ? NotAllowedPrefix + type.Value : InvalidFrameMessage;
            SendError(session, connection, message, CustomMetadataReader.TryRead(frame));
            return;
        }

        if (inbound is UnknownEvent)
        {
            SendError(session, connection, InvalidFrameMessage, inbound.Metadata);
            return;
        }

        if (inbound.Direction == EventDirection.Server)
        {
            SendError(session, connection, NotAllowedPrefix + inbound.Type.Value, inbound.Metadata);
            return;
        }

        lock (session.Gate)
        {
            if (session.IsEnded)
            {
                SendError(session, connection, SessionNotFoundMessage, inbound.Metadata);
                return;
            }

            Dispatch(session, connection, inbound);
        }
    }

    /// <summary>Reports a frame over the size limit; its content was never read.</summary>
    public static void RejectTooLarge(SimulatedSession session, SocketConnection connection) =>
        SendError(session, connection, TooLargeMessage, metadata: null);

    private void Dispatch(SimulatedSession session, SocketConnection connection, Event inbound)
    {
        // Echoes are the client's event with the envelope filled in: same type, same payload, same metadata.
        var metadata = inbound.Metadata;
        switch (inbound)
        {
            case RequestPolyAgentJoinEvent join:
                session.Publish(join, metadata);
                _agent.OnJoinRequested(session);
                break;
            case UserMessageEvent message:
                session.Publish(message with { Payload = message.Payload with { MessageId = ScriptedAgent.NewMessageId("msg_u_") } }, metadata);
                if (session.State == ConversationState.AwaitingJoin)
                {
                    SendError(session, connection, ConversationNotFoundMessage, metadata);
                    break;
                }

                _agent.OnUserMessage(session, message.Payload.Text);
                break;
            case UserEndSessionEvent end:
                session.Publish(end, metadata);
                session.End(SessionEndReason.UserEnd);
                break;
            case HeartbeatEvent heartbeat:
                session.Publish(heartbeat, metadata);
                break;
            default:
                // USER_TYPING feeds a live agent's view only, and LINK_TO_WEBRTC_CONVERSATION ties in a voice
                // call: both are accepted without an echo, which the docs do not list for either.
                break;
        }
    }

    private static EventType? TryPeekType(ReadOnlySpan<byte> frame)
    {
        try
        {
            return PolyChatJson.PeekEnvelope(frame).Type;
        }
        catch (PolyChatJsonException)
        {
            return null;
        }
    }

    // Known, and sent by the server only; the five client types (and LINK_TO_WEBRTC) are Client or Both.
    private static bool IsServerOnly(EventType type) =>
        type != EventType.UserMessage && type != EventType.UserTyping && type != EventType.UserEndSession
        && type != EventType.Heartbeat && type != EventType.RequestPolyAgentJoin && type != EventType.LinkToWebrtcConversation
        && type.IsKnown;

    private static void SendError(SimulatedSession session, SocketConnection connection, string message, Metadata? metadata) =>
        session.SendPrivately(
            connection,
            new SystemMessageEvent(new SystemMessagePayload { Level = SystemMessageLevel.Error, Message = message }),
            metadata);
}
