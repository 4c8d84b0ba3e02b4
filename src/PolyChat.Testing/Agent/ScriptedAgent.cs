using System;
using System.Collections.Generic;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Sessions;

namespace PolyChat.Testing.Agent;

/// <summary>
/// The deterministic conversation script: what the PolyAI agent, the handoff machinery and the live agent
/// publish after each client event, in the orders of PolyAI's lifecycle page (PROTOCOL.md §4a). Callers hold
/// the session's gate, so one client event's reaction is never interleaved with another's.
/// </summary>
internal sealed class ScriptedAgent
{
    private readonly ScriptedAgentOptions _options;
    private readonly int _chunkSize;

    public ScriptedAgent(ScriptedAgentOptions options, int chunkSize)
    {
        _options = options;
        _chunkSize = chunkSize;
    }

    /// <summary>After the join echo: JOINED, THINKING, greeting. A second join request gets only its echo.</summary>
    public void OnJoinRequested(SimulatedSession session)
    {
        if (session.State != ConversationState.AwaitingJoin)
        {
            return;
        }

        session.State = ConversationState.PolyAgent;
        session.Publish(new PolyAgentJoinedEvent(new PolyAgentJoinedPayload
        {
            AgentName = _options.AgentName,
            AgentAvatarUrl = _options.AgentAvatarUrl,
        }));
        Reply(session, _options.Greeting);
    }

    /// <summary>After the user-message echo: the agent's turn, a handoff, or the live agent's answer.</summary>
    public void OnUserMessage(SimulatedSession session, string text)
    {
        switch (session.State)
        {
            case ConversationState.PolyAgent when Contains(text, _options.HandoffTriggerWord):
                StartServerHandoff(session);
                break;
            case ConversationState.PolyAgent when Contains(text, _options.ClientHandoffTriggerWord):
                StartClientHandoff(session);
                break;
            case ConversationState.PolyAgent:
                Reply(session, _options.Reply is { } reply ? reply(text) : _options.ReplyPrefix + text);
                break;
            case ConversationState.LiveAgent:
                LiveAgentAnswer(session, text);
                break;
            default:
                break;
        }
    }

    private void StartServerHandoff(SimulatedSession session)
    {
        session.Publish(new PolyAgentTriggeredHandoffEvent(new PolyAgentTriggeredHandoffPayload()));
        session.Publish(new PolyAgentLeftEvent(new PolyAgentLeftPayload()));
        session.Publish(new HandoffAcceptedEvent(new HandoffAcceptedPayload { QueueName = _options.QueueName }));
        for (var position = _options.QueueStatusCount; position >= 1; position--)
        {
            session.Publish(new HandoffQueueStatusEvent(new HandoffQueueStatusPayload
            {
                QueueName = _options.QueueName,
                PositionInQueue = position,
                EstimatedWaitSeconds = position * 30,
            }));
        }

        session.Publish(new LiveAgentJoinedEvent(new LiveAgentJoinedPayload
        {
            Agent = new LiveAgent { Id = _options.LiveAgentId, Name = _options.LiveAgentName },
        }));
        session.State = ConversationState.LiveAgent;
    }

    // Client-managed: CLIENT_HANDOFF_REQUIRED comes before POLY_AGENT_LEFT, the reverse of the server flow.
    private void StartClientHandoff(SimulatedSession session)
    {
        session.Publish(new PolyAgentTriggeredHandoffEvent(new PolyAgentTriggeredHandoffPayload()));
        session.Publish(new ClientHandoffRequiredEvent(new ClientHandoffRequiredPayload
        {
            Reason = ClientHandoffReason.AgentDecision,
            QueueName = _options.QueueName,
        }));
        session.Publish(new PolyAgentLeftEvent(new PolyAgentLeftPayload()));
        session.State = ConversationState.HandedOffToClient;
    }

    private void LiveAgentAnswer(SimulatedSession session, string text)
    {
        if (string.Equals(text.Trim(), _options.LiveAgentFarewellWord, StringComparison.OrdinalIgnoreCase))
        {
            session.Publish(new LiveAgentLeftEvent(new LiveAgentLeftPayload { AgentId = _options.LiveAgentId }));
            session.End(SessionEndReason.NaturalEnd);
            return;
        }

        // Typing indicators are transient: null sequence, never replayed.
        session.Publish(new LiveAgentTypingEvent(new LiveAgentTypingPayload
        {
            State = TypingState.Started,
            AgentId = _options.LiveAgentId,
        }));
        session.Publish(new LiveAgentMessageEvent(new LiveAgentMessagePayload
        {
            MessageId = NewMessageId("msg_l_"),
            AgentId = _options.LiveAgentId,
            Text = _options.LiveAgentReplyPrefix + text,
        }));
    }

    private void Reply(SimulatedSession session, string text)
    {
        session.Publish(new PolyAgentThinkingEvent(new PolyAgentThinkingPayload()));
        var messageId = NewMessageId("msg_a_");
        var suggestions = Suggestions();
        if (!session.Settings.StreamingEnabled)
        {
            session.Publish(new PolyAgentMessageEvent(new PolyAgentMessagePayload
            {
                MessageId = messageId,
                Text = text,
                ResponseSuggestions = suggestions,
            }));
            return;
        }

        // Text chunks first, then a closing chunk with empty text that alone carries the suggestions: the
        // documented worst case for a client's assembler (PROTOCOL.md §4d).
        var index = 0L;
        for (var offset = 0; offset < text.Length; offset += _chunkSize)
        {
            session.Publish(new PolyAgentMessageChunkEvent(new PolyAgentMessageChunkPayload
            {
                MessageId = messageId,
                Text = text.Substring(offset, Math.Min(_chunkSize, text.Length - offset)),
                ChunkIndex = ++index,
                IsComplete = false,
            }));
        }

        session.Publish(new PolyAgentMessageChunkEvent(new PolyAgentMessageChunkPayload
        {
            MessageId = messageId,
            Text = string.Empty,
            ResponseSuggestions = suggestions,
            ChunkIndex = ++index,
            IsComplete = true,
        }));
    }

    private List<ResponseSuggestion> Suggestions()
    {
        var list = new List<ResponseSuggestion>(_options.ResponseSuggestions.Count);
        foreach (var suggestion in _options.ResponseSuggestions)
        {
            list.Add(new ResponseSuggestion { MessageText = suggestion });
        }

        return list;
    }

    private static bool Contains(string text, string word) =>
        word.Length > 0 && text.Contains(word, StringComparison.OrdinalIgnoreCase);

    /// <summary>A server-style message id with the given prefix.</summary>
    public static string NewMessageId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];
}
