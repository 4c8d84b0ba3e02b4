using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Streaming;

namespace PolyChat.Testing.Tests.Client.Scripted;

/// <summary>A session against a <see cref="ScriptedServer"/>, and a reader that records what the application sees.</summary>
internal sealed class ScriptedClient : IAsyncDisposable
{
    public const string Token = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl";

    private readonly ConcurrentQueue<Event> _events = new();
    private readonly CancellationTokenSource _cap = new(Waits.Cap);

    private ScriptedClient(PolyChatSession session)
    {
        Session = session;
        Reading = Task.Run(async () =>
        {
            await foreach (var value in session.ReadEventsAsync(_cap.Token))
            {
                _events.Enqueue(value);
            }
        });
    }

    public PolyChatSession Session { get; }

    /// <summary>Completes when the event stream completes; faults with the stream's exception.</summary>
    public Task Reading { get; }

    public IReadOnlyList<Event> Events => _events.ToArray();

    public static SessionOptions Options(
        ScriptedServer server,
        TimeProvider? clock = null,
        int? maxReconnectAttempts = null,
        Func<CancellationToken, ValueTask<AccessToken>>? tokenProvider = null,
        ILogger? logger = null,
        Func<double>? jitter = null,
        long cursor = 0,
        SequencerOptions? sequencing = null,
        TimeSpan? historyQuietPeriod = null,
        DeliveryOptions? delivery = null,
        StreamAssemblyOptions? streaming = null,
        TimeSpan? gapReconnectDelay = null,
        Action<System.Net.WebSockets.ClientWebSocketOptions>? configureWebSocket = null,
        Func<Uri, CancellationToken, ValueTask<System.Net.WebSockets.WebSocket>>? webSocketFactory = null) => new()
        {
            HistoryQuietPeriod = historyQuietPeriod ?? TimeSpan.FromMilliseconds(500),
            Sequencing = sequencing,
            Delivery = delivery,
            Streaming = streaming,
            GapReconnectDelay = gapReconnectDelay ?? TimeSpan.FromSeconds(1),
            ConfigureWebSocket = configureWebSocket,
            WebSocketFactory = webSocketFactory,
            WebSocketAddress = server.WebSocketAddress,
            SessionId = "0190a3f0-aaaa-7bbb-8ccc-000000000001",
            AccessToken = new AccessToken(Token, TimeSpan.FromHours(24)),
            TimeProvider = clock ?? TimeProvider.System,
            MaxReconnectAttempts = maxReconnectAttempts,
            AccessTokenProvider = tokenProvider,
            Logger = logger,
            Cursor = cursor,
            Jitter = jitter ?? (() => 0.5),
        };

    public static async Task<ScriptedClient> ConnectAsync(SessionOptions options)
    {
        using var cap = new CancellationTokenSource(Waits.Cap);
        return new ScriptedClient(await PolyChatSession.ConnectAsync(options, cap.Token));
    }

    public int Count<T>() where T : Event => Events.OfType<T>().Count();

    /// <summary>Waits (30 s cap) for the stream to end; returns its exception, or null when it completed normally.</summary>
    public async Task<Exception?> EndedAsync()
    {
        try
        {
            await Reading.WaitAsync(Waits.Cap);
            return null;
        }
        catch (TimeoutException)
        {
            throw;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        try
        {
            await Reading;
        }
        catch (Exception exception) when (exception is SessionClosedException or PolyChatApiException or OperationCanceledException)
        {
            // The stream's documented ends: the test asserted on them, or did not care. Anything else is a defect
            // and fails the test here.
        }

        _cap.Dispose();
    }
}
