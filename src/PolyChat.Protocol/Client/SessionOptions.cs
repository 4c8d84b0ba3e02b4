using System;
using System.Net;
using Microsoft.Extensions.Logging;

namespace PolyChat.Protocol.Client;

/// <summary>How a <see cref="PolyChatSession"/> connects, reconnects and bounds its buffers.</summary>
public sealed class SessionOptions
{
    /// <summary>The WebSocket endpoint, e.g. <c>wss://messaging.us-1.poly.ai/ws</c>. <c>ws://</c> is accepted only for loopback hosts.</summary>
    public required Uri WebSocketAddress { get; init; }

    /// <summary>The session to join, from <see cref="PolyChatRestClient.CreateSessionAsync"/>.</summary>
    public required string SessionId { get; init; }

    /// <summary>The access token; never logged or shown.</summary>
    public required AccessToken AccessToken { get; init; }

    /// <summary>Resume after this sequence (a previous session's <see cref="PolyChatSession.Cursor"/>). Default 0: the whole history.</summary>
    public long Cursor { get; init; }

    /// <summary>Reconnect attempts when the server gives none in <c>capabilities.max_reconnect_attempts</c>. Default 5.</summary>
    public int MaxReconnectAttempts { get; init; } = 5;

    /// <summary>The first reconnect delay; it doubles up to <see cref="MaxReconnectDelay"/>, with ±20% jitter. Default 1 s.</summary>
    public TimeSpan InitialReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest reconnect delay. Default 30 s.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long events may wait behind a missing sequence before the session reconnects with its cursor, so the
    /// server replays what was lost. Default 1 s. The sequencer's own gap timeout is the last resort after that.
    /// </summary>
    public TimeSpan GapReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The largest inbound frame accepted; a larger one is skipped unread (only this much is ever buffered) and
    /// reported through <see cref="PolyChatSession.FrameRejected"/>. Default 1 MiB.
    /// </summary>
    public int MaxInboundFrameBytes { get; init; } = 1 << 20;

    /// <summary>How many delivered events may wait for the application before the receive loop pauses (backpressure). Default 256.</summary>
    public int EventBufferCapacity { get; init; } = 256;

    /// <summary>Ordering and dedup bounds of the receive path.</summary>
    public SequencerOptions? Sequencing { get; init; }

    /// <summary>Retry and pending bounds of outbound messages.</summary>
    public DeliveryOptions? Delivery { get; init; }

    /// <summary>Bounds of streamed-reply assembly.</summary>
    public StreamAssemblyOptions? Streaming { get; init; }

    /// <summary>Receives connection, reconnect, gap and invalid-frame messages; none of them contains the token. Default: no logging.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>The clock for heartbeats and backoff. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Never shows the token.</summary>
    /// <returns>A description without secrets.</returns>
    public override string ToString() => $"SessionOptions({WebSocketAddress.GetLeftPart(UriPartial.Path)}, session {SessionId}, cursor {Cursor})";

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(WebSocketAddress, nameof(WebSocketAddress));
        ArgumentException.ThrowIfNullOrWhiteSpace(SessionId, nameof(SessionId));
        ArgumentNullException.ThrowIfNull(AccessToken, nameof(AccessToken));
        RequireSecure(WebSocketAddress, "wss", "ws", nameof(WebSocketAddress));
        ArgumentOutOfRangeException.ThrowIfNegative(Cursor, nameof(Cursor));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxReconnectAttempts, nameof(MaxReconnectAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InitialReconnectDelay, TimeSpan.Zero, nameof(InitialReconnectDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReconnectDelay, InitialReconnectDelay, nameof(MaxReconnectDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(GapReconnectDelay, TimeSpan.Zero, nameof(GapReconnectDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInboundFrameBytes, 1024, nameof(MaxInboundFrameBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(EventBufferCapacity, 1, nameof(EventBufferCapacity));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }

    /// <summary>TLS only, except on loopback, where tests and the simulator run.</summary>
    internal static void RequireSecure(Uri address, string secureScheme, string plainScheme, string parameter)
    {
        if (!address.IsAbsoluteUri)
        {
            throw new ArgumentException("The address must be absolute.", parameter);
        }

        if (address.Scheme == secureScheme)
        {
            return;
        }

        if (address.Scheme == plainScheme && IsLoopback(address))
        {
            return;
        }

        throw new ArgumentException(
            $"'{address.Scheme}://' is not allowed for {address.Host}: use '{secureScheme}://' ('{plainScheme}://' only for loopback addresses).", parameter);
    }

    private static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
