using System;
using Microsoft.Extensions.Logging;

namespace PolyChat.Testing;

/// <summary>Configuration of a <see cref="PolyAiSimulator"/>. The defaults follow PolyAI's documented limits.</summary>
public sealed record SimulatorOptions
{
    /// <summary>The connector token (<c>X-Token</c>) that <c>POST /api/v1/access-token</c> accepts.</summary>
    public string ConnectorToken { get; init; } = "sim-connector-token";

    /// <summary>The registered host (<c>X-Host</c>); subdomains match too. Empty means the connector has no host domain.</summary>
    public string AllowedHost { get; init; } = "example.com";

    /// <summary>The lifetime of issued access tokens, reported as <c>expires_in</c>.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromSeconds(86400);

    /// <summary>Characters of agent text per <c>POLY_AGENT_MESSAGE_CHUNK</c> when a session streams.</summary>
    public int StreamingChunkSize { get; init; } = 8;

    /// <summary>
    /// How long one socket may receive no client frame (heartbeats included) before the simulator closes it
    /// (PROTOCOL.md §5d: 10 min). The close code is 1001 (going away): the docs name none, and the session
    /// itself lives on until <see cref="SessionExpiry"/>, so a client may reconnect.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a session may go without a client frame on any socket before it expires (PROTOCOL.md §5d: about
    /// 10 min). An expired session journals <c>SESSION_END(REASON_USER_ABANDONED)</c>, closes its sockets, and
    /// from then on its handshake answers 404 <c>session not found</c>, like an ended one (§5e).
    /// </summary>
    public TimeSpan SessionExpiry { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Whether a <c>USER_MESSAGE</c> whose <c>metadata.custom.client_event_id</c> was seen before in the session is
    /// answered with the first echo again instead of being processed anew. Off by default: the docs do not say
    /// the server deduplicates, so a re-sent message gets its own echo, id, sequence and <c>message_id</c>.
    /// </summary>
    public bool DeduplicateByClientEventId { get; init; }

    /// <summary>The answers the simulator gives where the docs leave the server's behaviour open.</summary>
    public ServerBehavior Behavior { get; init; } = ServerBehavior.Default;

    /// <summary>The largest client frame accepted, also reported in the session's capabilities.</summary>
    public int MaxMessageSizeBytes { get; init; } = 131072;

    /// <summary>The heartbeat period reported in the session's capabilities.</summary>
    public int HeartbeatIntervalSeconds { get; init; } = 30;

    /// <summary>The reconnect-attempt hint reported in the session's capabilities.</summary>
    public int MaxReconnectAttempts { get; init; } = 5;

    /// <summary>How many sockets one session may have open at once; the next handshake gets HTTP 429.</summary>
    public int MaxConnectionsPerSession { get; init; } = 10;

    /// <summary>The loopback port to listen on; 0 (the default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The faults injected into live delivery.</summary>
    public FaultOptions Faults { get; init; } = FaultOptions.None;

    /// <summary>The agent script.</summary>
    public ScriptedAgentOptions ScriptedAgent { get; init; } = new();

    /// <summary>
    /// How many ended (or expired) sessions stay inspectable through <see cref="PolyAiSimulator.Sessions"/> and
    /// <see cref="PolyAiSimulator.GetSession"/>; older ones are dropped, so a long run holds only live sessions and the
    /// latest ended ones. A dropped session answers a handshake with 404, as an ended one does. Default 100.
    /// </summary>
    public int RetainedEndedSessions { get; init; } = 100;

    /// <summary>The clock for timestamps, token expiry and the idle timeout.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Receives the simulator's own diagnostics (not Kestrel's); null logs nothing.</summary>
    public ILogger? Logger { get; init; }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(ConnectorToken);
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentNullException.ThrowIfNull(AllowedHost);
        ArgumentOutOfRangeException.ThrowIfLessThan(StreamingChunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSizeBytes, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnectionsPerSession, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SessionExpiry, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(RetainedEndedSessions);
        ArgumentNullException.ThrowIfNull(Behavior);
        Behavior.Validate();
        ArgumentNullException.ThrowIfNull(Faults);
        Faults.Validate();
        ArgumentNullException.ThrowIfNull(ScriptedAgent);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentOutOfRangeException.ThrowIfNegative(ScriptedAgent.QueueStatusCount);
    }
}
