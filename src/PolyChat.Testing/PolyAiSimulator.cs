using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PolyChat.Protocol.Client;
using SessionOptions = PolyChat.Protocol.Client.SessionOptions;
using PolyChat.Testing.Agent;
using PolyChat.Testing.Faults;
using PolyChat.Testing.InMemory;
using PolyChat.Testing.Rest;
using PolyChat.Testing.Sessions;
using PolyChat.Testing.WebSockets;

namespace PolyChat.Testing;

/// <summary>
/// A local, in-process server that speaks PolyAI's chat (Messaging) API: the REST token and session
/// endpoints and the <c>/ws</c> WebSocket with history replay, a scripted agent, handoffs and seeded faults.
/// <see cref="StartAsync"/> listens on 127.0.0.1 with a port chosen by the OS; <see cref="CreateInMemory"/> opens no
/// port at all and connects clients through <see cref="WebSocketFactory"/>.
/// </summary>
/// <example>
/// <code>
/// await using var simulator = await PolyAiSimulator.StartAsync(new SimulatorOptions());
/// var client = new HttpClient { BaseAddress = simulator.BaseAddress };
/// </code>
/// </example>
public sealed class PolyAiSimulator : IAsyncDisposable
{
    // Where an in-memory simulator says it is: loopback-looking (SessionOptions accepts ws:// only there), never dialled.
    private static readonly Uri InMemoryBaseAddress = new("http://127.0.0.1/");

    private readonly WebApplication? _app;
    private readonly InMemoryConnector? _connector;
    private readonly CancellationTokenSource _stopping;
    private readonly SessionStore _sessions;
    private readonly TokenIssuer _tokens;
    private int _disposed;

    private PolyAiSimulator(
        WebApplication? app, InMemoryConnector? connector, Server server, Uri baseAddress, SimulatorOptions options)
    {
        Options = options;
        _app = app;
        _connector = connector;
        _stopping = server.Stopping;
        _sessions = server.Sessions;
        _tokens = server.Tokens;
        BaseAddress = baseAddress;
        WebSocketAddress = new UriBuilder(baseAddress) { Scheme = "ws", Path = WebSocketEndpoint.Path }.Uri;
        WebSocketFactory = connector is null ? null : connector.ConnectAsync;
    }

    /// <summary>
    /// The REST base address, <c>http://127.0.0.1:&lt;port&gt;/</c>. An in-memory simulator answers no HTTP: its
    /// address is <c>http://127.0.0.1/</c> and only names it; use <see cref="CreateSessionAsync"/>.
    /// </summary>
    public Uri BaseAddress { get; }

    /// <summary>
    /// The WebSocket address, <c>ws://127.0.0.1:&lt;port&gt;/ws</c>, without query parameters; for an in-memory
    /// simulator <c>ws://127.0.0.1/ws</c>, which only <see cref="WebSocketFactory"/> can reach.
    /// </summary>
    public Uri WebSocketAddress { get; }

    /// <summary>
    /// For an in-memory simulator (<see cref="CreateInMemory"/>), the connector to set as
    /// <see cref="SessionOptions.WebSocketFactory"/>: it takes the address with its <c>session_id</c>,
    /// <c>access_token</c> and <c>cursor</c> query, runs the handshake checks and returns an open socket, or throws
    /// a <see cref="PolyChatApiException"/> with the HTTP status a refused upgrade would have. Null for a simulator
    /// started with <see cref="StartAsync"/>, which clients reach over the network.
    /// </summary>
    public Func<Uri, CancellationToken, ValueTask<WebSocket>>? WebSocketFactory { get; }

    /// <summary>The configuration the simulator runs with (its connector token and host, limits, behaviour, faults).</summary>
    public SimulatorOptions Options { get; }

    /// <summary>
    /// Every live session and the latest <see cref="SimulatorOptions.RetainedEndedSessions"/> ended ones, oldest first.
    /// </summary>
    public IReadOnlyList<SimulatorSession> Sessions => _sessions.All.Select(s => new SimulatorSession(s)).ToArray();

    /// <summary>A session by id.</summary>
    /// <param name="sessionId">The id <c>POST /api/v1/sessions</c> returned.</param>
    /// <returns>The session.</returns>
    /// <exception cref="KeyNotFoundException">
    /// No session has that id, or it ended and was dropped (see <see cref="SimulatorOptions.RetainedEndedSessions"/>).
    /// </exception>
    public SimulatorSession GetSession(string sessionId) =>
        _sessions.TryGet(sessionId, out var session) ? new SimulatorSession(session) : throw new KeyNotFoundException($"No session '{sessionId}'.");

    /// <summary>
    /// Gets an access token and creates a session over the simulator's own REST API, as an app would, and returns
    /// the options to open it with <see cref="PolyChatSession.ConnectAsync"/>. An in-memory simulator issues both
    /// directly and sets <see cref="SessionOptions.WebSocketFactory"/> to its <see cref="WebSocketFactory"/>.
    /// </summary>
    /// <param name="streaming">Whether agent replies arrive as chunks.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>Options with the WebSocket address, session id and token filled in.</returns>
    public async Task<SessionOptions> CreateSessionAsync(bool streaming = false, CancellationToken cancellationToken = default)
    {
        if (WebSocketFactory is { } factory)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var issued = _tokens.Issue();
            var created = _sessions.Create(issued, new SessionSettings(streaming, "web"));
            return new SessionOptions
            {
                WebSocketAddress = WebSocketAddress,
                SessionId = created.Id,
                AccessToken = new AccessToken(issued, _tokens.Lifetime),
                WebSocketFactory = factory,
            };
        }

        using var http = new HttpClient { BaseAddress = BaseAddress };
        var rest = new PolyChatRestClient(http, BaseAddress);
        var token = await rest.GetAccessTokenAsync(Options.ConnectorToken, Options.AllowedHost, cancellationToken).ConfigureAwait(false);
        var sessionId = await rest.CreateSessionAsync(token, streamingEnabled: streaming, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new SessionOptions { WebSocketAddress = WebSocketAddress, SessionId = sessionId, AccessToken = token };
    }

    /// <summary>Starts a simulator on 127.0.0.1 and an OS-chosen port.</summary>
    /// <param name="options">The configuration.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running simulator; dispose it to stop.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static async Task<PolyAiSimulator> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(PolyAiSimulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        var app = builder.Build();

        var server = new Server(options);
        var accessTokens = new AccessTokenEndpoint(options, server.Tokens);
        var sessionEndpoint = new SessionsEndpoint(server.Tokens, server.Sessions, options.MaxMessageSizeBytes);
        var webSockets = server.WebSockets;

        // Keep-alive pings are off: PolyAI documents none, and a client must not depend on them.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(context => Route(context, accessTokens, sessionEndpoint, webSockets));

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            server.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        options.Logger?.LogInformation("PolyAI simulator listening on {Address}", address);
        return new PolyAiSimulator(app, null, server, new Uri(address.TrimEnd('/') + "/"), options);
    }

    /// <summary>
    /// Creates a simulator that opens no port and starts no web host: clients connect through
    /// <see cref="WebSocketFactory"/> over in-memory streams, and <see cref="CreateSessionAsync"/> issues tokens and
    /// sessions directly. The handshake rules, replay, agent, behaviour and faults are those of <see cref="StartAsync"/>,
    /// and everything runs on <see cref="SimulatorOptions.TimeProvider"/>: cheap enough for one simulator per test
    /// case, each with its own virtual clock.
    /// </summary>
    /// <param name="options">The configuration; <see cref="SimulatorOptions.Port"/> is not used.</param>
    /// <returns>The simulator; dispose it to close every socket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static PolyAiSimulator CreateInMemory(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var server = new Server(options);
        return new PolyAiSimulator(null, new InMemoryConnector(server.WebSockets, options.Logger), server, InMemoryBaseAddress, options);
    }

    /// <summary>Closes every socket and stops the server.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        if (_connector is not null)
        {
            await _connector.StopAsync().ConfigureAwait(false);
        }

        _sessions.Dispose();
        _stopping.Dispose();
    }

    private static Task Route(HttpContext context, AccessTokenEndpoint accessTokens, SessionsEndpoint sessions, WebSocketEndpoint webSockets)
    {
        var path = context.Request.Path;
        var isPost = HttpMethods.IsPost(context.Request.Method);
        if (path.Equals(AccessTokenEndpoint.Path, StringComparison.Ordinal))
        {
            return isPost ? accessTokens.HandleAsync(context) : MethodNotAllowed(context);
        }

        if (path.Equals(SessionsEndpoint.Path, StringComparison.Ordinal))
        {
            return isPost ? sessions.HandleAsync(context) : MethodNotAllowed(context);
        }

        if (path.Equals(WebSocketEndpoint.Path, StringComparison.Ordinal))
        {
            return HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsConnect(context.Request.Method)
                ? webSockets.HandleAsync(new KestrelUpgrade(context))
                : MethodNotAllowed(context);
        }

        return ErrorResponse.WriteAsync(context, StatusCodes.Status404NotFound, "Not found");
    }

    private static Task MethodNotAllowed(HttpContext context) =>
        ErrorResponse.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "Method not allowed");

    // What both transports share: the sessions, the tokens and the WebSocket endpoint over them.
    private sealed class Server : IDisposable
    {
        public Server(SimulatorOptions options)
        {
            Sessions = new SessionStore(options);
            Tokens = new TokenIssuer(options.AccessTokenLifetime, options.TimeProvider);
            var handler = new ClientFrameHandler(
                new ScriptedAgent(options.ScriptedAgent, options.StreamingChunkSize), options.TimeProvider, options.DeduplicateByClientEventId);
            WebSockets = new WebSocketEndpoint(options, Tokens, Sessions, handler, new FaultInjector(options.Faults), Stopping.Token);
        }

        public CancellationTokenSource Stopping { get; } = new();

        public SessionStore Sessions { get; }

        public TokenIssuer Tokens { get; }

        public WebSocketEndpoint WebSockets { get; }

        public void Dispose()
        {
            Sessions.Dispose();
            Stopping.Dispose();
        }
    }
}
