using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests;

public sealed class RestTests
{
    [Fact]
    public async Task AccessTokenReturnsBearerTokenWithLifetime()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        using var response = await harness.Http.SendAsync(harness.TokenRequest(), harness.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(harness.Token));
        Assert.Equal("Bearer", body.RootElement.GetProperty("token_type").GetString());
        Assert.Equal(86400, body.RootElement.GetProperty("expires_in").GetInt64());
        Assert.Equal(3, body.RootElement.GetProperty("access_token").GetString()!.Split('.').Length);
    }

    [Fact]
    public async Task AccessTokenAcceptsSubdomainOfRegisteredHost()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        using var response = await harness.Http.SendAsync(harness.TokenRequest(host: "chat.example.com"), harness.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null, SimulatorHarness.Host, "Missing authentication headers")]
    [InlineData(SimulatorHarness.ConnectorToken, null, "Missing authentication headers")]
    [InlineData("wrong-token", SimulatorHarness.Host, "Connector token does not exist")]
    [InlineData(SimulatorHarness.ConnectorToken, "evil.org", "Failed to validate connector")]
    [InlineData(SimulatorHarness.ConnectorToken, "badexample.com", "Failed to validate connector")]
    public async Task AccessTokenErrorsAre401WithDocumentedMessage(string? connectorToken, string? host, string message)
    {
        await using var harness = await SimulatorHarness.StartAsync();
        using var response = await harness.Http.SendAsync(harness.TokenRequest(connectorToken, host), harness.Token);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, message);
    }

    [Fact]
    public async Task AccessTokenWithoutRegisteredHostIsRejected()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var noHost = await PolyAiSimulator.StartAsync(new SimulatorOptions { ConnectorToken = "c", AllowedHost = "" }, harness.Token);
        using var http = new HttpClient { BaseAddress = noHost.BaseAddress };
        using var request = harness.TokenRequest("c", "example.com");

        using var response = await http.SendAsync(request, harness.Token);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "Connector missing host domain");
    }

    [Fact]
    public async Task SessionIsCreatedForValidToken()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var token = await harness.GetTokenAsync();
        using var response = await harness.Http.SendAsync(harness.SessionRequest("Bearer " + token, body: null), harness.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(harness.Token));
        Assert.True(System.Guid.TryParse(body.RootElement.GetProperty("session_id").GetString(), out _));
    }

    [Fact]
    public async Task SessionWithoutAuthorizationIs400()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        using var response = await harness.Http.SendAsync(harness.SessionRequest(authorization: null), harness.Token);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "Missing access token");
    }

    [Fact]
    public async Task SessionWithNonBearerAuthorizationIs401()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var token = await harness.GetTokenAsync();
        using var response = await harness.Http.SendAsync(harness.SessionRequest("Basic " + token), harness.Token);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "Missing authentication headers");
    }

    [Fact]
    public async Task SessionWithUnknownTokenIs401()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        using var response = await harness.Http.SendAsync(harness.SessionRequest("Bearer not.a.token"), harness.Token);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "Invalid access token");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("""{"streaming_enabled":"yes"}""")]
    [InlineData("""{"platform":"toaster"}""")]
    public async Task SessionWithBadBodyIs400(string body)
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var token = await harness.GetTokenAsync();
        using var response = await harness.Http.SendAsync(harness.SessionRequest("Bearer " + token, body), harness.Token);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "Error parsing request");
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        Assert.Equal(status, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(message, body.RootElement.GetProperty("message").GetString());
    }
}
