using System.Net;
using System.Net.WebSockets;
using System.Threading.Tasks;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests;

public sealed class HandshakeTests
{
    [Fact]
    public async Task MissingParametersAre400()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, _) = await harness.NewSessionAsync();

        Assert.Equal(HttpStatusCode.BadRequest, await HandshakeStatusAsync(harness, null, token));
    }

    [Fact]
    public async Task UnknownSessionIs404()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var token = await harness.GetTokenAsync();

        Assert.Equal(HttpStatusCode.NotFound, await HandshakeStatusAsync(harness, "00000000-0000-0000-0000-000000000000", token));
    }

    [Fact]
    public async Task BadTokenIs401()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (_, sessionId) = await harness.NewSessionAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeStatusAsync(harness, sessionId, "bogus"));
    }

    [Fact]
    public async Task TokenNotIssuedForTheSessionIs401()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (_, sessionId) = await harness.NewSessionAsync();
        var otherToken = await harness.GetTokenAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeStatusAsync(harness, sessionId, otherToken));
    }

    [Fact]
    public async Task SocketBeyondTheLimitIs429()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { MaxConnectionsPerSession = 2 });
        var (token, sessionId) = await harness.NewSessionAsync();
        await using var first = await harness.ConnectAsync(sessionId, token);
        await using var second = await harness.ConnectAsync(sessionId, token);

        Assert.Equal(HttpStatusCode.TooManyRequests, await HandshakeStatusAsync(harness, sessionId, token));
    }

    private static async Task<HttpStatusCode> HandshakeStatusAsync(SimulatorHarness harness, string? sessionId, string? token)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(harness.SocketUri(sessionId, token), harness.Token));
        return socket.HttpStatusCode;
    }
}
