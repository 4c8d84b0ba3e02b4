using System;
using Microsoft.Extensions.Logging;

namespace PolyChat.Simulator;

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

    /// <summary>How long a session may receive no client frame (heartbeats included) before it is abandoned.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

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
        ArgumentNullException.ThrowIfNull(Faults);
        Faults.Validate();
        ArgumentNullException.ThrowIfNull(ScriptedAgent);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentOutOfRangeException.ThrowIfNegative(ScriptedAgent.QueueStatusCount);
    }
}
