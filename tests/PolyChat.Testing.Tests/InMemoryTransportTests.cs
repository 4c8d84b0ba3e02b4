using System;
using System.Linq;
using System.Net;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Events;
using Xunit;

namespace PolyChat.Testing.Tests;

/// <summary>The in-memory transport: the same endpoint as over Kestrel, with no port and no web host.</summary>
public sealed class InMemoryTransportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SessionConnectsAndGetsTheGreeting()
    {
        await using var simulator = PolyAiSimulator.CreateInMemory(new SimulatorOptions());
        var options = await simulator.CreateSessionAsync();
        using var timeout = new CancellationTokenSource(Patience);

        await using var session = await PolyChatSession.ConnectAsync(options, timeout.Token);
        var greeting = await FirstAsync<PolyAgentMessageEvent>(session, timeout.Token);

        Assert.Equal(new ScriptedAgentOptions().Greeting, greeting.Payload.Text);
        Assert.Equal(new Uri("ws://127.0.0.1/ws"), options.WebSocketAddress);
        Assert.Same(simulator.WebSocketFactory, options.WebSocketFactory);
        Assert.Equal(1, simulator.GetSession(options.SessionId).OpenSockets);
    }

    [Fact]
    public async Task UnknownSessionSurfacesAs404FromConnect()
    {
        await using var simulator = PolyAiSimulator.CreateInMemory(new SimulatorOptions());
        var options = await simulator.CreateSessionAsync();
        var unknown = new SessionOptions
        {
            WebSocketAddress = options.WebSocketAddress,
            SessionId = Guid.Empty.ToString(),
            AccessToken = options.AccessToken,
            WebSocketFactory = options.WebSocketFactory,
        };

        var refused = await Assert.ThrowsAsync<PolyChatApiException>(() => PolyChatSession.ConnectAsync(unknown));

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("session not found", refused.ServerMessage);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task InjectedRefusalCarriesItsStatusThenTheNextHandshakeSucceeds(int status)
    {
        await using var simulator = PolyAiSimulator.CreateInMemory(new SimulatorOptions());
        var options = await simulator.CreateSessionAsync();
        simulator.GetSession(options.SessionId).RefuseHandshakes(status);
        var address = Dial(options);

        var refused = await Assert.ThrowsAsync<PolyChatApiException>(async () => await simulator.WebSocketFactory!(address, CancellationToken.None));
        using var socket = await simulator.WebSocketFactory!(address, CancellationToken.None);

        Assert.Equal((HttpStatusCode)status, refused.StatusCode);
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task AbruptDropFailsThePendingReceiveLikeAReset()
    {
        await using var simulator = PolyAiSimulator.CreateInMemory(new SimulatorOptions());
        var options = await simulator.CreateSessionAsync();
        using var socket = await simulator.WebSocketFactory!(Dial(options), CancellationToken.None);
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(Patience);
        var batch = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Text, batch.MessageType);

        var pending = socket.ReceiveAsync(buffer, timeout.Token);
        simulator.GetSession(options.SessionId).DropConnections();

        await Assert.ThrowsAsync<WebSocketException>(() => pending.WaitAsync(timeout.Token));
        Assert.Null(socket.CloseStatus);
    }

    [Fact]
    public async Task AbruptDropLeadsToAReconnectWithTheCursor()
    {
        await using var simulator = PolyAiSimulator.CreateInMemory(new SimulatorOptions());
        var options = await simulator.CreateSessionAsync();
        var server = simulator.GetSession(options.SessionId);
        using var timeout = new CancellationTokenSource(Patience);
        await using var session = await PolyChatSession.ConnectAsync(options, timeout.Token);
        await using var events = session.ReadEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        await NextAsync<PolyAgentMessageEvent>(events);

        // Published after the drop, so only a reconnect's replay can bring it.
        server.DropConnections();
        server.Publish(new LiveAgentMessageEvent(new LiveAgentMessagePayload { MessageId = "m1", AgentId = "a", Text = "after the drop" }));
        var relayed = await NextAsync<LiveAgentMessageEvent>(events);

        Assert.Equal("after the drop", relayed.Payload.Text);
        Assert.Equal(1, server.OpenSockets);
    }

    [Fact]
    public async Task DisposeClosesEverySocket()
    {
        var simulator = PolyAiSimulator.CreateInMemory(new SimulatorOptions());
        var options = await simulator.CreateSessionAsync();
        using var socket = await simulator.WebSocketFactory!(Dial(options), CancellationToken.None);

        await simulator.DisposeAsync();

        Assert.Equal(0, simulator.Sessions.Single().OpenSockets);
        await Assert.ThrowsAsync<WebSocketException>(async () => await simulator.WebSocketFactory!(Dial(options), CancellationToken.None));
    }

    private static Uri Dial(SessionOptions options) =>
        new($"{options.WebSocketAddress}?session_id={options.SessionId}&access_token={Uri.EscapeDataString(options.AccessToken.Value)}&cursor=0");

    private static async Task<T> FirstAsync<T>(PolyChatSession session, CancellationToken cancellationToken)
        where T : Event
    {
        await foreach (var value in session.ReadEventsAsync(cancellationToken))
        {
            if (value is T match)
            {
                return match;
            }
        }

        throw new InvalidOperationException($"The stream ended without a {typeof(T).Name}.");
    }

    private static async Task<T> NextAsync<T>(System.Collections.Generic.IAsyncEnumerator<Event> events)
        where T : Event
    {
        while (await events.MoveNextAsync())
        {
            if (events.Current is T match)
            {
                return match;
            }
        }

        throw new InvalidOperationException($"The stream ended without a {typeof(T).Name}.");
    }
}
