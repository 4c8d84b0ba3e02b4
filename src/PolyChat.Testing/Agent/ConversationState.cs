namespace PolyChat.Testing.Agent;

/// <summary>Who the user is talking to, which decides how the script answers a user message.</summary>
internal enum ConversationState
{
    /// <summary>No <c>REQUEST_POLY_AGENT_JOIN</c> yet: nobody answers.</summary>
    AwaitingJoin,

    /// <summary>The PolyAI agent answers.</summary>
    PolyAgent,

    /// <summary>A server-managed handoff finished: the live agent answers.</summary>
    LiveAgent,

    /// <summary>The PolyAI agent left for a client-managed handoff: messages are only echoed.</summary>
    HandedOffToClient,
}
