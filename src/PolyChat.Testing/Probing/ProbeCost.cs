namespace PolyChat.Testing.Probing;

/// <summary>What a probe run sent to the server.</summary>
public sealed record ProbeCost
{
    /// <summary><c>USER_MESSAGE</c> frames sent (each may get an agent reply).</summary>
    public int UserMessages { get; init; }

    /// <summary><c>REQUEST_POLY_AGENT_JOIN</c> frames sent (each gets the greeting).</summary>
    public int JoinRequests { get; init; }

    /// <summary>WebSocket handshakes attempted.</summary>
    public int SocketsOpened { get; init; }

    /// <summary>The most sockets the probe held open at once.</summary>
    public int MostSocketsAtOnce { get; init; }

    /// <summary>Every frame sent, heartbeats and deliberately invalid ones included.</summary>
    public int FramesSent { get; init; }
}
