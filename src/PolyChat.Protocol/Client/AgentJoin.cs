namespace PolyChat.Protocol.Client;

/// <summary>Whether a session still has to ask for the agent (§2: a new session's agent never joins by itself).</summary>
internal enum AgentJoin
{
    /// <summary>No <c>POLY_AGENT_JOINED</c> seen and none asked for: the end of the history decides.</summary>
    Unknown,

    /// <summary>The join request was sent.</summary>
    Requested,

    /// <summary><c>POLY_AGENT_JOINED</c> arrived, or the session resumes after a cursor and so was joined before.</summary>
    Joined,
}
