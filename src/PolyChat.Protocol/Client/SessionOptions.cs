using System;
using System.Net;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Storage;
using PolyChat.Protocol.Streaming;

namespace PolyChat.Protocol.Client;

/// <summary>
/// How a <see cref="PolyChatSession"/> connects, reconnects and bounds its buffers. Each property is validated when
/// it is set, so a bad value fails on the line that sets it.
/// </summary>
public sealed class SessionOptions
{
    /// <summary>The WebSocket endpoint, e.g. <c>wss://messaging.us-1.poly.ai/ws</c>. <c>ws://</c> is accepted only for loopback hosts.</summary>
    public required Uri WebSocketAddress { get; init => field = RequireSecure(OptionRules.NotNull(value), "wss", "ws", nameof(WebSocketAddress)); }

    /// <summary>The session to join, from <see cref="PolyChatRestClient.CreateSessionAsync"/>.</summary>
    public required string SessionId
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(SessionId));
            field = value;
        }
    }

    /// <summary>The access token; never logged or shown.</summary>
    public required AccessToken AccessToken { get; init => field = OptionRules.NotNull(value); }

    /// <summary>Resume after this sequence (a previous session's <see cref="PolyChatSession.Cursor"/>). Default 0: the whole history.</summary>
    public long Cursor { get; init => field = OptionRules.NotNegative(value); }

    /// <summary>
    /// How many reconnects in a row may fail before the session gives up. When set, it rules; when not set, the
    /// server's hint <c>capabilities.max_reconnect_attempts</c> rules; without either, 5 (the docs' example value).
    /// A reconnect counts as failed until a frame arrives on the new socket.
    /// </summary>
    public int? MaxReconnectAttempts { get; init => field = value is int attempts ? OptionRules.InRange(attempts, 0, int.MaxValue) : null; }

    /// <summary>
    /// Called when the server refuses the handshake with 401 (the token expired or was revoked): it returns a
    /// fresh token (from <see cref="PolyChatRestClient.GetAccessTokenAsync"/>), and the session retries at once
    /// with it. It is asked once per refusal; a second 401 ends the session. Default: none, and a 401 ends it.
    /// </summary>
    public Func<CancellationToken, ValueTask<AccessToken>>? AccessTokenProvider { get; init; }

    /// <summary>
    /// The fallback end of a connection's history: how long the session waits without a frame before it takes the
    /// history as processed (the server sends "one or more" batches on connect and marks none as the last). The session
    /// sends a heartbeat as soon as a socket opens, and the first frame that is not a batch (its echo at the latest)
    /// ends the history at once, so this wait matters only with a server that does not echo it. Only after the history
    /// does a new session request the agent, and a reconnect send the attempts owed and skip sequences the replay
    /// lacks. Default 500 ms.
    /// </summary>
    public TimeSpan HistoryQuietPeriod { get; init => field = OptionRules.Positive(value, TimeSpan.MaxValue); } = TimeSpan.FromMilliseconds(500);

    /// <summary>The first reconnect delay; it doubles up to <see cref="MaxReconnectDelay"/>, with ±20% jitter. Default 1 s.</summary>
    public TimeSpan InitialReconnectDelay { get; init => field = OptionRules.Positive(value, TimeSpan.MaxValue); } = TimeSpan.FromSeconds(1);

    /// <summary>The longest reconnect delay; not less than <see cref="InitialReconnectDelay"/> (checked on connect). Default 30 s.</summary>
    public TimeSpan MaxReconnectDelay { get; init => field = OptionRules.Positive(value, TimeSpan.MaxValue); } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long events may wait behind a missing sequence before the session reconnects with its cursor, so the
    /// server replays what was lost. Default 1 s. The sequencer's own gap timeout is the last resort after that.
    /// </summary>
    public TimeSpan GapReconnectDelay { get; init => field = OptionRules.Positive(value, TimeSpan.MaxValue); } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The largest inbound frame accepted; a larger one is skipped unread (only this much is ever buffered) and
    /// reported through <see cref="PolyChatSession.FrameRejected"/>. Default 1 MiB.
    /// </summary>
    public int MaxInboundFrameBytes { get; init => field = OptionRules.InRange(value, 1024, int.MaxValue); } = 1 << 20;

    /// <summary>How many delivered events may wait for the application before the receive loop pauses (backpressure). Default 256.</summary>
    public int EventBufferCapacity { get; init => field = OptionRules.InRange(value, 1, int.MaxValue); } = 256;

    /// <summary>Ordering and dedup bounds of the receive path. Its <see cref="SequencerOptions.InitialCursor"/> is not used: <see cref="Cursor"/> is the session's.</summary>
    public SequencerOptions? Sequencing { get; init; }

    /// <summary>Retry and pending bounds of outbound messages.</summary>
    public DeliveryOptions? Delivery { get; init; }

    /// <summary>Bounds of streamed-reply assembly.</summary>
    public StreamAssemblyOptions? Streaming { get; init; }

    /// <summary>
    /// Keeps the session's state in a store, so that it survives its process: <see cref="PolyChatSession.ConnectAsync"/>
    /// resumes a stored session (its cursor, recent ids, capabilities, open streamed reply and outbox) or stores a new
    /// one, and an event counts as handled, and is committed, when the application asks for the next. Default: none
    /// (everything lives in memory). See <see cref="StorageOptions"/>.
    /// </summary>
    public StorageOptions? Storage { get; init; }

    /// <summary>Receives connection, reconnect, gap and invalid-frame messages; none of them contains the token. Default: no logging.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// Adjusts the default <see cref="ClientWebSocket"/> before each connection attempt: request headers, a proxy,
    /// client certificates, keep-alive. Ignored when <see cref="WebSocketFactory"/> is set. Default: none.
    /// </summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; init; }

    /// <summary>
    /// Opens the WebSocket for each connection attempt, in place of the default <see cref="ClientWebSocket"/>: for a
    /// transport of your own or a test double. It receives the address with the query the server expects (session id,
    /// cursor and access token: do not log it) and returns an open socket. To report a refused handshake, throw a
    /// <see cref="PolyChatApiException"/> with the HTTP status, which the session treats as it treats the server's
    /// (404 and 400 end the session, 401 asks <see cref="AccessTokenProvider"/>); a <see cref="WebSocketException"/> or
    /// <see cref="System.Net.Http.HttpRequestException"/> counts as a transient failure and is retried with backoff.
    /// Default: none.
    /// </summary>
    public Func<Uri, CancellationToken, ValueTask<WebSocket>>? WebSocketFactory { get; init; }

    /// <summary>
    /// The one clock of the session and of everything it creates: heartbeats, backoff, gap repair, the history quiet
    /// period, the sequencer's gap timeout, delivery retries, streamed-reply timeouts and the close handshake. Default
    /// <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; init => field = OptionRules.NotNull(value); } = TimeProvider.System;

    /// <summary>The source of backoff jitter, a value in [0, 1); tests pin it to check the schedule. Default <see cref="Random.Shared"/>.</summary>
    internal Func<double> Jitter { get; init => field = OptionRules.NotNull(value); } = Random.Shared.NextDouble;

    /// <summary>Never shows the token.</summary>
    /// <returns>A description without secrets.</returns>
    public override string ToString() => $"SessionOptions({WebSocketAddress.GetLeftPart(UriPartial.Path)}, session {SessionId}, cursor {Cursor})";

    /// <summary>The one rule that spans two properties; each property checks itself when it is set.</summary>
    internal void Validate() =>
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReconnectDelay, InitialReconnectDelay, nameof(MaxReconnectDelay));

    /// <summary>TLS only, except on loopback, where tests and the simulator run.</summary>
    internal static Uri RequireSecure(Uri address, string secureScheme, string plainScheme, string parameter)
    {
        if (!address.IsAbsoluteUri)
        {
            throw new ArgumentException("The address must be absolute.", parameter);
        }

        if (address.Scheme == secureScheme || (address.Scheme == plainScheme && IsLoopback(address)))
        {
            return address;
        }

        throw new ArgumentException(
            $"'{address.Scheme}://' is not allowed for {address.Host}: use '{secureScheme}://' ('{plainScheme}://' only for loopback addresses).", parameter);
    }

    private static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
