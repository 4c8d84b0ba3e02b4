using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Client;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>§5d and §6: REST answers 429 with Retry-After when rate limited; the client honours it.</summary>
public sealed class RestRateLimitTests
{
    private static readonly Uri Base = new("https://messaging.example.org/");

    [Fact]
    public async Task A429IsRetriedOnlyAfterTheRetryAfterDelay()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var handler = new ScriptedHandler(
            _ => RateLimited(TimeSpan.FromSeconds(7)),
            _ => Json(HttpStatusCode.OK, """{ "access_token": "jwt", "expires_in": 86400, "token_type": "Bearer" }"""));
        var rest = new PolyChatRestClient(new HttpClient(handler), Base) { TimeProvider = clock };

        handler.Clock = clock;
        var call = rest.GetAccessTokenAsync("connector", "example.org");
        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(100), () => call.IsCompleted, "the retry", Waits.Cap);

        var token = await call;
        Assert.Equal("jwt", token.Value);
        Assert.Equal(2, handler.Requests.Count);
        // On a clock moved in 100 ms steps: a few steps of slack above, none below.
        Assert.InRange(handler.At[1] - handler.At[0], TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7.5));

        // Each attempt is a request of its own, with the same headers.
        Assert.All(handler.Requests, r => Assert.Equal("connector", r));
    }

    [Fact]
    public async Task AnHttpDateRetryAfterIsHonouredToo()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 20, 9, 15, 0, TimeSpan.Zero));
        var handler = new ScriptedHandler(
            _ =>
            {
                var response = Json(HttpStatusCode.TooManyRequests, """{ "message": "rate limited" }""");
                response.Headers.RetryAfter = new RetryConditionHeaderValue(clock.GetUtcNow().AddSeconds(3));
                return response;
            },
            _ => Json(HttpStatusCode.OK, """{ "session_id": "0190a3f0-aaaa-7bbb-8ccc-000000000001" }"""));
        var rest = new PolyChatRestClient(new HttpClient(handler), Base) { TimeProvider = clock };

        handler.Clock = clock;
        var call = rest.CreateSessionAsync(new AccessToken("jwt", TimeSpan.FromHours(1)));
        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(100), () => call.IsCompleted, "the retry", Waits.Cap);

        Assert.Equal("0190a3f0-aaaa-7bbb-8ccc-000000000001", await call);
        Assert.InRange(handler.At[1] - handler.At[0], TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.5));
    }

    [Fact]
    public async Task RetriesAreBoundedAndTheLast429IsReported()
    {
        // Bounding the retries is our rule; the docs only say to honour Retry-After.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var handler = new ScriptedHandler(_ => RateLimited(TimeSpan.FromSeconds(1)));
        var rest = new PolyChatRestClient(new HttpClient(handler), Base) { TimeProvider = clock, MaxRateLimitRetries = 2 };

        var call = rest.GetAccessTokenAsync("connector", "example.org");
        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(250), () => call.IsCompleted, "the give-up", Waits.Cap);

        var error = await Assert.ThrowsAsync<PolyChatApiException>(() => call);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal("rate limited", error.ServerMessage);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task ARetryAfterLongerThanTheLimitIsReportedAtOnce()
    {
        // Our rule: a call never hangs for the hour a server may ask for.
        var handler = new ScriptedHandler(_ => RateLimited(TimeSpan.FromHours(1)));
        var rest = new PolyChatRestClient(new HttpClient(handler), Base) { TimeProvider = new FakeTimeProvider() };

        var error = await Assert.ThrowsAsync<PolyChatApiException>(() => rest.GetAccessTokenAsync("connector", "example.org").WaitAsync(Waits.Cap));
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Single(handler.Requests);
    }

    private static HttpResponseMessage RateLimited(TimeSpan retryAfter)
    {
        var response = Json(HttpStatusCode.TooManyRequests, """{ "message": "rate limited" }""");
        response.Headers.RetryAfter = new RetryConditionHeaderValue(retryAfter);
        return response;
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>Answers with the given responses in turn (the last one repeats) and records each request's X-Token.</summary>
    private sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] responses) : HttpMessageHandler
    {
        public ConcurrentQueue<string> Requests { get; } = new();

        /// <summary>When each request arrived, on <see cref="Clock"/>.</summary>
        public System.Collections.Generic.List<DateTimeOffset> At { get; } = new();

        public TimeProvider Clock { get; set; } = TimeProvider.System;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var index = Requests.Count;
            lock (At)
            {
                At.Add(Clock.GetUtcNow());
            }

            Requests.Enqueue(request.Headers.TryGetValues("X-Token", out var values) ? string.Join(",", values) : request.Headers.Authorization?.Scheme ?? "");
            return Task.FromResult(responses[Math.Min(index, responses.Length - 1)](request));
        }
    }
}
