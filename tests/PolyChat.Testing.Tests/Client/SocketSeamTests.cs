using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>
/// The socket seam (ours): <see cref="SessionOptions.ConfigureWebSocket"/> adjusts the default socket,
/// <see cref="SessionOptions.WebSocketFactory"/> replaces it; refusals it reports are treated as the server's.
/// </summary>
public sealed class SocketSeamTests
{
    [Fact]
    public async Task ConfigureWebSocketAddsItsHeadersToEveryHandshakeReconnectsIncluded()
    {
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
                await connection.CloseAsync(1012, "service restart");
            }
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = ScriptedClient.Options(server, clock, configureWebSocket: socket => socket.SetRequestHeader("X-Tenant", "acme"));
        await using var client = await ScriptedClient.ConnectAsync(options);

        // The drop is followed by a reconnect after the backoff (§4b), on the fake clock.
        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(200), () => server.Connections.Count >= 2, "the reconnect");
        Assert.All(server.Connections.Take(2), connection => Assert.Equal("acme", connection.Headers["X-Tenant"]));
        Assert.Equal(2, server.Connections[1].Cursor);
    }

    [Fact]
    public async Task AFactorySocketWithoutAnHttpServerCarriesTheWholeSession()
    {
        // A socket over a plain loopback TCP stream: no HTTP upgrade and no Kestrel, the frames as the docs show them.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var addresses = new ConcurrentQueue<Uri>();
        var serverRun = ServeOneAsync(listener);
        var options = new SessionOptions
        {
            WebSocketAddress = new Uri("ws://127.0.0.1:1/ws"),
            SessionId = "0190a3f0-aaaa-7bbb-8ccc-000000000001",
            AccessToken = new AccessToken(ScriptedClient.Token, TimeSpan.FromHours(1)),
            WebSocketFactory = async (address, cancellationToken) =>
            {
                addresses.Enqueue(address);
                var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return WebSocket.CreateFromStream(tcp.GetStream(), new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
            },
        };

        await using var client = await ScriptedClient.ConnectAsync(options);
        var message = await client.Session.SendMessageAsync("hello over a plain stream");
        using var cap = new CancellationTokenSource(Waits.Cap);
        Assert.Equal(DeliveryStatus.Sent, await message.Completion.WaitAsync(cap.Token));
        await Waits.UntilAsync(() => client.Count<UserMessageEvent>() == 1, "the echo delivered to the app");

        var address = Assert.Single(addresses);
        Assert.Contains("session_id=0190a3f0-aaaa-7bbb-8ccc-000000000001", address.Query, StringComparison.Ordinal);
        Assert.Contains("cursor=0", address.Query, StringComparison.Ordinal);
        Assert.Equal([1L, 2, 3], client.Events.Where(e => e.Sequence is not null).Select(e => e.Sequence!.Value).ToArray());
        listener.Stop();
        await client.Session.DisposeAsync();
        await serverRun.WaitAsync(cap.Token);
    }

    [Fact]
    public async Task AFactoryThatReportsA404RefusalFailsConnectAsItIs()
    {
        // §5e: 404 "session not found"; the factory reports it as the server's answer.
        var refusal = new PolyChatApiException(HttpStatusCode.NotFound, "session not found", "refused by the gateway");
        var options = FactoryOptions((_, _) => ValueTask.FromException<WebSocket>(refusal));

        var thrown = await Assert.ThrowsAsync<PolyChatApiException>(() => PolyChatSession.ConnectAsync(options));
        Assert.Same(refusal, thrown);
    }

    [Fact]
    public async Task AFactoryThatFailsOtherwiseEndsTheSessionNamingTheFactory()
    {
        var failure = new InvalidOperationException("no route to the proxy");
        var options = FactoryOptions((_, _) => ValueTask.FromException<WebSocket>(failure));

        var thrown = await Assert.ThrowsAsync<SessionClosedException>(() => PolyChatSession.ConnectAsync(options));
        Assert.Contains("SessionOptions.WebSocketFactory", thrown.Message, StringComparison.Ordinal);
        Assert.Same(failure, thrown.InnerException);
    }

    [Fact]
    public async Task AConfigureCallbackThatThrowsEndsTheSessionInsteadOfLeavingConnectWaiting()
    {
        await using var server = await ScriptedServer.StartAsync(connection => connection.AcceptAsync());
        var failure = new InvalidOperationException("bad proxy settings");
        var options = ScriptedClient.Options(server, configureWebSocket: _ => throw failure);

        var thrown = await Assert.ThrowsAsync<SessionClosedException>(() => ScriptedClient.ConnectAsync(options));
        Assert.Contains("SessionOptions.ConfigureWebSocket", thrown.Message, StringComparison.Ordinal);
        Assert.Same(failure, thrown.InnerException);
    }

    [Fact]
    public async Task TheReceiveBufferGoesBackToItsSmallSizeAfterALargeFrame()
    {
        // Ours (thousands of idle sessions per process): a large frame grows the receive buffer only while it is read.
        var large = new string('x', 100_000);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.AgentMessage(3, large));
            await connection.SendAsync(ServerFrames.AgentMessage(4, "small"));
        });
        RecordingWebSocket? recorded = null;
        var options = ScriptedClient.Options(server, webSocketFactory: async (address, cancellationToken) =>
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(address, cancellationToken);
            return recorded = new RecordingWebSocket(socket);
        });

        await using var client = await ScriptedClient.ConnectAsync(options);
        await Waits.UntilAsync(() => client.Count<PolyAgentMessageEvent>() == 2, "both agent messages");

        // The receive after the last frame is the one an idle session waits on.
        var lengths = recorded!.ReceiveBufferLengths.ToArray();
        Assert.Contains(lengths, length => length > 16384);
        Assert.True(lengths[^1] <= 4096, $"the idle receive buffer is {lengths[^1]} bytes; receives: {string.Join(", ", lengths)}");
    }

    private static SessionOptions FactoryOptions(Func<Uri, CancellationToken, ValueTask<WebSocket>> factory) => new()
    {
        WebSocketAddress = new Uri("ws://127.0.0.1:1/ws"),
        SessionId = "0190a3f0-aaaa-7bbb-8ccc-000000000001",
        AccessToken = new AccessToken(ScriptedClient.Token, TimeSpan.FromHours(1)),
        WebSocketFactory = factory,
    };

    // One connection: the history, then an echo for each user message (§8's shapes), until the client closes.
    private static async Task ServeOneAsync(TcpListener listener)
    {
        using var tcp = await listener.AcceptTcpClientAsync();
        using var socket = WebSocket.CreateFromStream(tcp.GetStream(), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        await SendAsync(socket, ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
        await SendAsync(socket, ServerFrames.Typing(1));
        var buffer = new byte[65536];
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                // The client went away (a dispose may abort before its close frame is read).
                return;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            using var frame = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
            if (frame.RootElement.GetProperty("type").GetString() == "EVENT_TYPE_USER_MESSAGE")
            {
                var text = frame.RootElement.GetProperty("payload").GetProperty("text").GetString()!;
                var id = frame.RootElement.GetProperty("metadata").GetProperty("custom").GetProperty("client_event_id").GetString()!;
                await SendAsync(socket, ServerFrames.UserMessageEcho(3, text, id));
            }
        }
    }

    private static Task SendAsync(WebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
}
