using System;

namespace PolyChat.Testing.Probing;

/// <summary>
/// Where and how <see cref="ServerProbe.RunAsync"/> probes a PolyAI Messaging server. <see cref="ToString"/> never
/// shows <see cref="ConnectorToken"/>.
/// </summary>
public sealed class ProbeOptions
{
    /// <summary>The connector token PolyAI provisioned (<c>X-Token</c>); a secret, never written anywhere by the probe.</summary>
    public required string ConnectorToken { get; init; }

    /// <summary>The registered domain or app namespace (<c>X-Host</c>).</summary>
    public required string Host { get; init; }

    /// <summary>The REST base, e.g. <c>https://messaging.us-1.poly.ai</c> (plain http only on loopback).</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>The WebSocket address, e.g. <c>wss://messaging.us-1.poly.ai/ws</c> (plain ws only on loopback).</summary>
    public required Uri WebSocketAddress { get; init; }

    /// <summary>The whole run's time limit; when it runs out the report is returned with the points not reached undecided. Default 2 min.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest wait for the agent's reply to one message. Default 30 s.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait for a frame the server should send at once (an echo, an error, a close, a replay). Default 10 s.</summary>
    public TimeSpan FrameTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long each replay socket keeps reading after the barrier's answer, to catch a batch a server sends late.
    /// Default 1 s; zero reads nothing more (the simulator queues every batch before it reads a frame).
    /// </summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The most sockets held open at once while looking for the connection limit (documented: 10). Default 8, at least 2.</summary>
    public int MaxSockets { get; init; } = 8;

    /// <summary>Whether the session streams replies (needed to see how the replay holds a streamed reply). Default true.</summary>
    public bool Streaming { get; init; } = true;

    /// <summary>The clock for every time limit. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Told the name of each step as it starts (e.g. <c>join</c>); null tells nothing.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>The addresses and host; never the token.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"ProbeOptions({BaseAddress}, {WebSocketAddress}, host {Host})";

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ConnectorToken, nameof(ConnectorToken));
        ArgumentException.ThrowIfNullOrWhiteSpace(Host, nameof(Host));
        ArgumentNullException.ThrowIfNull(BaseAddress, nameof(BaseAddress));
        ArgumentNullException.ThrowIfNull(WebSocketAddress, nameof(WebSocketAddress));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReplyTimeout, TimeSpan.Zero, nameof(ReplyTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FrameTimeout, TimeSpan.Zero, nameof(FrameTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(SettleTime, TimeSpan.Zero, nameof(SettleTime));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSockets, 2, nameof(MaxSockets));
        if (!(WebSocketAddress.Scheme == "wss" || (WebSocketAddress.Scheme == "ws" && WebSocketAddress.IsLoopback)))
        {
            throw new ArgumentException("The WebSocket address must be wss:// (ws:// only on a loopback host).", nameof(WebSocketAddress));
        }
    }
}
