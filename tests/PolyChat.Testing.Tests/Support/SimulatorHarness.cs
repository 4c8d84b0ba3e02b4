using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;

namespace PolyChat.Testing.Tests.Support;

/// <summary>A running simulator, an <see cref="HttpClient"/> for it, and a 10-second budget for the test.</summary>
internal sealed class SimulatorHarness : IAsyncDisposable
{
    public const string ConnectorToken = "test-connector";
    public const string Host = "example.com";

    private readonly CancellationTokenSource _timeout;

    private SimulatorHarness(PolyAiSimulator simulator, CancellationTokenSource timeout)
    {
        Simulator = simulator;
        _timeout = timeout;
        Http = new HttpClient { BaseAddress = simulator.BaseAddress };
    }

    public PolyAiSimulator Simulator { get; }

    public HttpClient Http { get; }

    /// <summary>Cancelled when the test overruns, so nothing can hang.</summary>
    public CancellationToken Token => _timeout.Token;

    public static async Task<SimulatorHarness> StartAsync(SimulatorOptions? options = null, int timeoutSeconds = 10)
    {
        var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        var simulator = await PolyAiSimulator.StartAsync(
            (options ?? new SimulatorOptions()) with { ConnectorToken = ConnectorToken, AllowedHost = Host },
            timeout.Token);
        return new SimulatorHarness(simulator, timeout);
    }

    public HttpRequestMessage TokenRequest(string? connectorToken = ConnectorToken, string? host = Host)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/access-token")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        if (connectorToken is not null)
        {
            request.Headers.Add("X-Token", connectorToken);
        }

        if (host is not null)
        {
            request.Headers.Add("X-Host", host);
        }

        return request;
    }

    public async Task<string> GetTokenAsync()
    {
        using var response = await Http.SendAsync(TokenRequest(), Token);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    public HttpRequestMessage SessionRequest(string? authorization, string? body = "{}")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/sessions");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return request;
    }

    public async Task<string> CreateSessionAsync(string token, bool streaming = false)
    {
        using var response = await Http.SendAsync(SessionRequest("Bearer " + token, $$"""{"streaming_enabled":{{(streaming ? "true" : "false")}},"platform":"web"}"""), Token);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        return body.RootElement.GetProperty("session_id").GetString()!;
    }

    /// <summary>A token and a session in one go.</summary>
    public async Task<(string Token, string SessionId)> NewSessionAsync(bool streaming = false)
    {
        var token = await GetTokenAsync();
        return (token, await CreateSessionAsync(token, streaming));
    }

    public Uri SocketUri(string? sessionId, string? token, string? cursor = null)
    {
        var query = new StringBuilder();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        Add("session_id", sessionId);
        Add("access_token", token);
        Add("cursor", cursor);
        return new Uri(Simulator.WebSocketAddress + query.ToString());
    }

    public Task<ChatSocket> ConnectAsync(string sessionId, string token, string? cursor = null) =>
        ChatSocket.ConnectAsync(SocketUri(sessionId, token, cursor), Token);

    /// <summary>A new session and a socket on it, its history batch (SESSION_START) already read.</summary>
    public async Task<ChatSocket> ConnectNewAsync(bool streaming = false)
    {
        var (token, sessionId) = await NewSessionAsync(streaming);
        var socket = await ConnectAsync(sessionId, token);
        try
        {
            await socket.ReceiveBatchAsync(Token);
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The preamble of a conversation, written once: a new session without streaming, a socket on it, the history
    /// batch read, the agent asked to join (§2) and its greeting (one POLY_AGENT_MESSAGE) read. The socket is then
    /// ready for the test's own frames.
    /// </summary>
    public async Task<ChatSocket> ConnectGreetedAsync()
    {
        var socket = await ConnectNewAsync();
        try
        {
            await socket.SendAsync(Frames.Join, Token);
            await socket.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, Token);
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
        _timeout.Dispose();
    }
}
