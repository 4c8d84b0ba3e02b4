using System;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Storage;
using PolyChat.Protocol.Streaming;

namespace PolyChat.Testing.Tests.Support;

/// <summary>
/// The session client's way into the simulator, written once: a token and a session through the library's own
/// REST client, and session options with small reconnect delays so tests that drop connections run in seconds.
/// </summary>
internal static class ClientSessions
{
    private static readonly SessionOptions Defaults = new()
    {
        WebSocketAddress = new Uri("ws://127.0.0.1/"),
        SessionId = "defaults",
        AccessToken = new AccessToken("defaults", TimeSpan.FromHours(1)),
    };

    /// <summary>A token and a session, as an application gets them (§5b).</summary>
    public static async Task<(AccessToken Token, string SessionId)> CreateAsync(SimulatorHarness harness, bool streaming = false)
    {
        var rest = new PolyChatRestClient(harness.Http, harness.Simulator.BaseAddress);
        var token = await rest.GetAccessTokenAsync(SimulatorHarness.ConnectorToken, SimulatorHarness.Host, harness.Token);
        var sessionId = await rest.CreateSessionAsync(token, streamingEnabled: streaming, cancellationToken: harness.Token);
        return (token, sessionId);
    }

    /// <summary>
    /// Options for <paramref name="sessionId"/> on <paramref name="address"/> with small delays: reconnects after
    /// 20 ms doubling to 200 ms, retries after 300 ms. The rules are the same at any scale.
    /// </summary>
    public static SessionOptions Fast(
        Uri address,
        string sessionId,
        AccessToken token,
        int maxReconnectAttempts = 20,
        long cursor = 0,
        ILogger? logger = null,
        StreamAssemblyOptions? streaming = null,
        SequencerOptions? sequencing = null,
        TimeSpan? gapReconnectDelay = null,
        Func<Uri, CancellationToken, ValueTask<WebSocket>>? webSocketFactory = null,
        StorageOptions? storage = null) =>
        new()
        {
            WebSocketAddress = address,
            SessionId = sessionId,
            AccessToken = token,
            Cursor = cursor,
            MaxReconnectAttempts = maxReconnectAttempts,
            InitialReconnectDelay = TimeSpan.FromMilliseconds(20),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
            GapReconnectDelay = gapReconnectDelay ?? Defaults.GapReconnectDelay,
            Sequencing = sequencing,
            Delivery = new DeliveryOptions { RetryDelay = TimeSpan.FromMilliseconds(300) },
            Logger = logger,
            Streaming = streaming,
            WebSocketFactory = webSocketFactory,
            Storage = storage,
        };
}
