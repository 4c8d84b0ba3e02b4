using System;
using System.Text;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Agent;
using PolyChat.Testing.Sessions;

namespace PolyChat.Testing.WebSockets;

/// <summary>
/// Validates one client frame as the docs state and reacts to it: the echo, then the script. Bad frames get a
/// SYSTEM_MESSAGE at level ERROR, with the frame's <c>metadata.custom</c> echoed, and the socket stays open
/// (PROTOCOL.md §6). Every frame is recorded on the session with what was noticed about it.
/// </summary>
internal sealed class ClientFrameHandler
{
    /// <summary>The documented message for unparseable JSON or an unrecognised type (§6).</summary>
    public const string InvalidFrameMessage = "Unknown event type or invalid message format";

    /// <summary>The documented prefix for a server-only type sent by the client (§6).</summary>
    public const string NotAllowedPrefix = "Event type not allowed: ";

    /// <summary>
    /// The default message for a frame larger than the session's limit (<see cref="ServerBehavior.OversizedFrameMessage"/>).
    /// The docs give the 128 KB limit (§5d) but no message; this is the one PolyAI's SDK knows (§6, [SDK]).
    /// </summary>
    public const string TooLargeMessage = "Message too large";

    /// <summary>The documented session-state error for a frame after the session ended.</summary>
    public const string SessionNotFoundMessage = "Error: Session not found";

    /// <summary>The documented error for a user message before the agent was asked to join.</summary>
    public const string ConversationNotFoundMessage = "Error: Conversation not found";

    private readonly ScriptedAgent _agent;
    private readonly TimeProvider _time;
    private readonly bool _deduplicate;

    public ClientFrameHandler(ScriptedAgent agent, TimeProvider time, bool deduplicateByClientEventId)
    {
        _agent = agent;
        _time = time;
        _deduplicate = deduplicateByClientEventId;
    }

    public void Handle(SimulatedSession session, SocketConnection connection, ReadOnlySpan<byte> frame)
    {
        var json = Encoding.UTF8.GetString(frame);
        var scan = ClientFrameScan.Read(frame);
        if (scan?.Type is not { } typeName)
        {
            Reject(session, connection, json, scan, ClientFrameFlags.Malformed, InvalidFrameMessage);
            return;
        }

        var type = new EventType(typeName);
        if (!type.IsKnown)
        {
            Reject(session, connection, json, scan, ClientFrameFlags.UnknownType, InvalidFrameMessage);
            return;
        }

        // A server-only type is refused as such whatever its payload.
        if (IsServerOnly(type))
        {
            Reject(session, connection, json, scan, ClientFrameFlags.ServerOnlyType, NotAllowedPrefix + type.Value);
            return;
        }

        if (!scan.HasPayload)
        {
            Reject(session, connection, json, scan, ClientFrameFlags.MissingPayload, InvalidFrameMessage);
            return;
        }

        Event inbound;
        try
        {
            inbound = PolyChatJson.Read(frame);
        }
        catch (PolyChatJsonException)
        {
            Reject(session, connection, json, scan, ClientFrameFlags.Malformed, InvalidFrameMessage);
            return;
        }

        lock (session.Gate)
        {
            if (session.IsEnded)
            {
                Reject(session, connection, json, scan, ClientFrameFlags.None, SessionNotFoundMessage);
                return;
            }

            var (echo, error, flags) = Dispatch(session, connection, inbound, scan.ClientEventId);
            session.Record(new ReceivedClientFrame(connection.Ordinal, json, typeName, scan.Flags | flags, scan.ClientEventId, error, echo, _time.GetUtcNow()));
        }
    }

    /// <summary>Reports a frame over the size limit; its content was never read.</summary>
    public void RejectTooLarge(SimulatedSession session, SocketConnection connection)
    {
        var message = session.Behavior.OversizedFrameMessage;
        SendError(session, connection, message, metadata: null);
        session.Record(new ReceivedClientFrame(connection.Ordinal, string.Empty, null, ClientFrameFlags.Oversized, null, message, null, _time.GetUtcNow()));
    }

    private (Event? Echo, string? Error, ClientFrameFlags Flags) Dispatch(SimulatedSession session, SocketConnection connection, Event inbound, string? clientEventId)
    {
        // Echoes are the client's event with the envelope filled in: same type, same payload, same metadata.
        var metadata = inbound.Metadata;
        switch (inbound)
        {
            case RequestPolyAgentJoinEvent join:
            {
                var echo = session.Publish(join, metadata);
                _agent.OnJoinRequested(session);
                return (echo, null, ClientFrameFlags.None);
            }

            case UserMessageEvent message:
            {
                Event? original = null;
                var repeated = clientEventId is not null && session.TryGetEcho(clientEventId, out original);
                if (repeated && _deduplicate)
                {
                    // A deduplicating server answers a re-send with the first echo again and does nothing else.
                    connection.EnqueueAsIs(original!);
                    return (original, null, ClientFrameFlags.RepeatedClientEventId);
                }

                // Not deduplicated (the default): processed again, with its own echo, id, sequence and message_id.
                var echo = session.Publish(message with { Payload = message.Payload with { MessageId = ScriptedAgent.NewMessageId("msg_u_") } }, metadata);
                if (clientEventId is not null)
                {
                    session.RememberEcho(clientEventId, echo);
                }

                var flags = repeated ? ClientFrameFlags.RepeatedClientEventId : ClientFrameFlags.None;
                if (session.State == ConversationState.AwaitingJoin)
                {
                    SendError(session, connection, ConversationNotFoundMessage, metadata);
                    return (echo, ConversationNotFoundMessage, flags);
                }

                _agent.OnUserMessage(session, message.Payload.Text);
                return (echo, null, flags);
            }

            case UserEndSessionEvent end:
            {
                var echo = session.Publish(end, metadata);
                session.End(SessionEndReason.UserEnd);
                return (echo, null, ClientFrameFlags.None);
            }

            case HeartbeatEvent heartbeat:
                return (session.Publish(heartbeat, metadata), null, ClientFrameFlags.None);
            default:
                // USER_TYPING feeds a live agent's view only, and LINK_TO_WEBRTC_CONVERSATION ties in a voice
                // call: both are accepted without an echo, which the docs do not list for either.
                return (null, null, ClientFrameFlags.None);
        }
    }

    private void Reject(SimulatedSession session, SocketConnection connection, string json, ClientFrameScan? scan, ClientFrameFlags flags, string message)
    {
        SendError(session, connection, message, scan?.Metadata);
        session.Record(new ReceivedClientFrame(
            connection.Ordinal, json, scan?.Type, (scan?.Flags ?? ClientFrameFlags.None) | flags, scan?.ClientEventId, message, null, _time.GetUtcNow()));
    }

    // Known, and sent by the server only; the five client types (and LINK_TO_WEBRTC) are Client or Both.
    private static bool IsServerOnly(EventType type) =>
        type != EventType.UserMessage && type != EventType.UserTyping && type != EventType.UserEndSession
        && type != EventType.Heartbeat && type != EventType.RequestPolyAgentJoin && type != EventType.LinkToWebrtcConversation;

    // Unsequenced and to the offending socket only, or journaled for all, as the session's behaviour says.
    private static void SendError(SimulatedSession session, SocketConnection connection, string message, Metadata? metadata)
    {
        var error = new SystemMessageEvent(new SystemMessagePayload { Level = SystemMessageLevel.Error, Message = message });
        if (session.Behavior.ErrorsHaveSequence)
        {
            lock (session.Gate)
            {
                if (!session.IsEnded)
                {
                    session.Publish(error, metadata);
                    return;
                }
            }
        }

        session.SendPrivately(connection, error, metadata);
    }
}
