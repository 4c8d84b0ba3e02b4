using System;
using System.Buffers;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Protocol.Client;

/// <summary>
/// PolyAI's REST endpoints: <c>POST /api/v1/access-token</c> and <c>POST /api/v1/sessions</c>
/// (<see href="https://docs.poly.ai/api-reference/messaging/sessions">sessions</see>).
/// </summary>
/// <remarks>Thread-safe, as the <see cref="HttpClient"/> it uses.</remarks>
public sealed class PolyChatRestClient
{
    private readonly HttpClient _http;
    private readonly Uri _baseAddress;

    /// <summary>Creates a client.</summary>
    /// <param name="http">The HTTP client; its lifetime is the caller's.</param>
    /// <param name="baseAddress">E.g. <c>https://messaging.us-1.poly.ai</c>. Plain <c>http</c> is accepted only for loopback hosts.</param>
    /// <exception cref="ArgumentException">The address is not https (and not loopback).</exception>
    public PolyChatRestClient(HttpClient http, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseAddress);
        SessionOptions.RequireSecure(baseAddress, Uri.UriSchemeHttps, Uri.UriSchemeHttp, nameof(baseAddress));
        _http = http;
        _baseAddress = baseAddress;
    }

    /// <summary>
    /// How many times a call answered 429 (rate limited) is tried again, each after the server's <c>Retry-After</c>
    /// (§5d, §6: "honour Retry-After"; 1 s when the header is missing). Default 3; 0 reports the first 429.
    /// </summary>
    public int MaxRateLimitRetries { get; init; } = 3;

    /// <summary>
    /// The longest <c>Retry-After</c> the client waits out; a longer one is reported at once as a
    /// <see cref="PolyChatApiException"/> with status 429, so that a call never hangs for hours. Default 60 s.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The clock for <c>Retry-After</c> waits. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets an access token with the connector token PolyAI provisioned.</summary>
    /// <param name="connectorToken">The <c>X-Token</c> secret.</param>
    /// <param name="host">The registered domain or app namespace (<c>X-Host</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token.</returns>
    /// <exception cref="PolyChatApiException">The server refused or failed, with its message.</exception>
    public async Task<AccessToken> GetAccessTokenAsync(string connectorToken, string host, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectorToken);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_baseAddress, "api/v1/access-token"));
            request.Headers.Add("X-Token", connectorToken);
            request.Headers.Add("X-Host", host);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Content = new ByteArrayContent("{}"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            return request;
        }

        using var document = await SendAsync(Request, "Getting an access token failed", cancellationToken).ConfigureAwait(false);
        var root = document.RootElement;
        var token = ReadString(root, "access_token", "Getting an access token failed");
        var expiresIn = root.TryGetProperty("expires_in", out var seconds) && seconds.TryGetInt64(out var value) ? value : 0;
        return new AccessToken(token, TimeSpan.FromSeconds(expiresIn));
    }

    /// <summary>Creates a chat session.</summary>
    /// <param name="token">An access token.</param>
    /// <param name="streamingEnabled">Whether agent replies arrive as chunks.</param>
    /// <param name="platform">One of <c>web</c> (default), <c>ios</c>, <c>android</c>, <c>ios-web</c>, <c>android-web</c>, <c>custom</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new session's id.</returns>
    /// <exception cref="PolyChatApiException">The server refused or failed, with its message.</exception>
    public async Task<string> CreateSessionAsync(AccessToken token, bool streamingEnabled = false, string platform = "web", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentException.ThrowIfNullOrWhiteSpace(platform);
        var body = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("streaming_enabled", streamingEnabled);
            writer.WriteString("platform", platform);
            writer.WriteEndObject();
        }

        var bytes = body.WrittenSpan.ToArray();
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_baseAddress, "api/v1/sessions"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
            request.Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            return request;
        }

        using var document = await SendAsync(Request, "Creating a session failed", cancellationToken).ConfigureAwait(false);
        return ReadString(document.RootElement, "session_id", "Creating a session failed");
    }

    // A request can be sent once only, so each attempt builds its own.
    private async Task<JsonDocument> SendAsync(Func<HttpRequestMessage> request, string what, CancellationToken cancellationToken)
    {
        for (var retries = 0; ; retries++)
        {
            using var message = request();
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException exception)
            {
                throw new PolyChatApiException(null, null, $"{what}: the server could not be reached", exception);
            }

            if (response.StatusCode == HttpStatusCode.TooManyRequests && retries < MaxRateLimitRetries
                && RetryAfter(response) is { } wait && wait <= MaxRetryAfter)
            {
                response.Dispose();
                await Task.Delay(wait, TimeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return await ReadAsync(response, what, cancellationToken).ConfigureAwait(false);
        }
    }

    // Retry-After is a number of seconds or an HTTP date; without it, 1 s.
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header is null)
        {
            return TimeSpan.FromSeconds(1);
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - TimeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            JsonDocument? document = null;
            try
            {
                document = JsonDocument.Parse(body);
            }
            catch (JsonException) when (!response.IsSuccessStatusCode)
            {
                // An error page that is not JSON: the status says enough.
            }
            catch (JsonException exception)
            {
                throw new PolyChatApiException(response.StatusCode, null, $"{what}: the response is not JSON", exception);
            }

            if (response.IsSuccessStatusCode && document is not null)
            {
                return document;
            }

            using (document)
            {
                throw new PolyChatApiException(response.StatusCode, ServerMessage(document), $"{what} ({(int)response.StatusCode} {response.StatusCode})");
            }
        }
    }

    private static string? ServerMessage(JsonDocument? document)
    {
        if (document?.RootElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var key in new[] { "message", "error" })
        {
            if (document.RootElement.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }
        }

        return null;
    }

    private static string ReadString(JsonElement root, string property, string what) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new PolyChatApiException(HttpStatusCode.OK, null, $"{what}: the response has no '{property}'");
}
