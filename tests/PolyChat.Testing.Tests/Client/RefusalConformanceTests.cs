using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Net;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>Refused handshakes, rejecting close codes and the reconnect limit, against a scripted server.</summary>
public sealed class RefusalConformanceTests
{
    private const string FreshToken = "eyJhbGciOiJIUzI1NiJ9.ZnJlc2gtdG9rZW4.ZnJlc2g";
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task AReconnectRefusedWith401AsksTheTokenProviderOnceAndGoesOnWithTheFreshToken()
    {
        // §5e: 401 "authentication failed" = token bad or expired; §5d: tokens are short-lived. Asking the app's
        // provider once is our rule.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            if (connection.AccessToken != FreshToken && connection.Index > 0)
            {
                await connection.RefuseAsync(401, "authentication failed");
                return;
            }

            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
                return;
            }

            await connection.SendAsync(ServerFrames.AgentMessage(3, "Welcome back"));
        });
        var asked = 0;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = ScriptedClient.Options(server, clock, tokenProvider: _ =>
        {
            Interlocked.Increment(ref asked);
            return ValueTask.FromResult(new AccessToken(FreshToken, TimeSpan.FromHours(24)));
        });
        await using var client = await ScriptedClient.ConnectAsync(options);
        await DropAfterHistoryAsync(server, client);

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Count<PolyAgentMessageEvent>() == 1, "the reconnect with the fresh token", Waits.Cap);

        Assert.Equal(1, asked);
        Assert.Equal(3, server.Connections.Count);
        Assert.Equal(ScriptedClient.Token, server.Connections[1].AccessToken);
        Assert.Equal(FreshToken, server.Connections[2].AccessToken);
    }

    [Fact]
    public async Task A401AfterTheFreshTokenEndsTheSessionWithAClearErrorAndTheTokenNowhere()
    {
        // §5e: 401 again, the provider was asked once already: the session ends. The token must not appear in log
        // lines, exception messages or metric tags (our rule; §5c puts it in the URL, which is never shown).
        var logger = new CapturingLogger();
        var tags = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "PolyChat.Protocol")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, measured, _) => Record(tags, instrument, measured));
        listener.SetMeasurementEventCallback<double>((instrument, _, measured, _) => Record(tags, instrument, measured));
        listener.Start();

        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            if (connection.Index > 0)
            {
                await connection.RefuseAsync(401, "authentication failed");
                return;
            }

            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
        });
        var asked = 0;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = ScriptedClient.Options(server, clock, logger: logger, tokenProvider: _ =>
        {
            Interlocked.Increment(ref asked);
            return ValueTask.FromResult(new AccessToken(FreshToken, TimeSpan.FromHours(24)));
        });
        await using var client = await ScriptedClient.ConnectAsync(options);
        await DropAfterHistoryAsync(server, client);

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Reading.IsCompleted, "the end of the session", Waits.Cap);

        var error = Assert.IsType<SessionClosedException>(await client.EndedAsync());
        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.Contains("AccessTokenProvider", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, Assert.IsType<PolyChatApiException>(error.InnerException).StatusCode);
        Assert.Equal(1, asked);
        Assert.Equal(3, server.Connections.Count);
        listener.RecordObservableInstruments();

        // The session measured something (its reconnects at least), so the tag check below has material to check.
        Assert.Contains("polychat.session.reconnects", tags);
        foreach (var secret in new[] { ScriptedClient.Token, FreshToken })
        {
            Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
            Assert.All(logger.Lines, line => Assert.DoesNotContain(secret, line, StringComparison.Ordinal));
            Assert.All(tags, tag => Assert.DoesNotContain(secret, tag, StringComparison.Ordinal));
        }

        Assert.Contains(logger.Lines, line => line.Contains("401", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReconnectRefusedWith401WithoutAProviderEndsTheSessionSayingHowToRenew()
    {
        // §5e: 401; nothing can renew the token, so the session ends at once rather than backing off (our rule).
        await using var server = await RefusingReconnectsAsync(401, "authentication failed");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await DropAfterHistoryAsync(server, client);

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Reading.IsCompleted, "the end of the session", Waits.Cap);

        var error = Assert.IsType<SessionClosedException>(await client.EndedAsync());
        Assert.Contains("401 authentication failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("AccessTokenProvider", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Connections.Count);
    }

    [Fact]
    public async Task AReconnectRefusedWith404EndsTheSessionNamingTheCause()
    {
        // §5e: 404 "session not found": unknown or expired session; no reconnect can cure it.
        await using var server = await RefusingReconnectsAsync(404, "session not found");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await DropAfterHistoryAsync(server, client);

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Reading.IsCompleted, "the end of the session", Waits.Cap);

        var error = Assert.IsType<SessionClosedException>(await client.EndedAsync());
        Assert.Contains("404 session not found", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, Assert.IsType<PolyChatApiException>(error.InnerException).StatusCode);
        Assert.Equal(2, server.Connections.Count);
    }

    [Fact]
    public async Task A404AfterTheEndRequestEndsTheSessionNormallyAndSaysTheEndWasUnseen()
    {
        // §2: USER_END_SESSION → echo → SESSION_END; §5e: an ended session answers 404. When a drop loses the echo
        // and SESSION_END, the 404 on reconnect means the session ended as asked. Ending normally, with the end
        // request failed and saying why, is our rule: the docs are silent.
        await using var server = await RefusingReconnectsAsync(404, "session not found");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");
        var end = await client.Session.EndAsync();
        server.Connections[0].Abort();

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Reading.IsCompleted, "the end of the session", Waits.Cap);

        Assert.Null(await client.EndedAsync());
        Assert.Equal(PolyChat.Protocol.Delivery.DeliveryStatus.Failed, await end.Completion);
        Assert.Contains("no longer knows it (404)", end.FailureReason, StringComparison.Ordinal);
        Assert.Equal(2, server.Connections.Count);
    }

    [Fact]
    public async Task Close4001EndsTheSessionNamingTheCause()
    {
        // §5g [SDK]: 4001 "session unknown": the server rejected the session.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
            await connection.CloseAsync(4001, "session unknown");
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));

        var error = Assert.IsType<SessionClosedException>(await client.EndedAsync());
        Assert.Equal((WebSocketCloseStatus)4001, error.CloseStatus);
        Assert.Contains("4001", error.Message, StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromMinutes(1));

        // Ended for good, so no reconnect can still be on its way.
        Assert.Equal(SessionPhase.Ended, client.Session.Phase);
        Assert.Single(server.Connections);
    }

    [Theory]
    [InlineData(2, 10, 3)] // The application's option rules over the server's hint.
    [InlineData(null, 3, 4)] // Without the option, capabilities.max_reconnect_attempts (§3b) rules.
    public async Task RunningOutOfReconnectAttemptsEndsTheSession(int? option, int serverHint, int expectedConnections)
    {
        // §4b: reconnect "up to max_reconnect_attempts"; §3b: the server's value is a hint. Which one rules is ours.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            if (connection.Index > 0)
            {
                await connection.RefuseAsync(503, "unavailable");
                return;
            }

            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, maxReconnectAttempts: serverHint), ServerFrames.AgentJoined(2)));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, maxReconnectAttempts: option));
        await DropAfterHistoryAsync(server, client);

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Reading.IsCompleted, "the end of the session", TimeSpan.FromMinutes(2));

        var error = Assert.IsType<SessionClosedException>(await client.EndedAsync());
        Assert.Contains("Reconnecting failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(expectedConnections, server.Connections.Count);
    }

    [Fact]
    public void TheBackoffScheduleIsExponentialFromOneSecondCappedAtThirtyWithTwentyPercentJitter()
    {
        // §4b: exponential from 1 s, capped at 30 s; PolyAI's SDKs add ±20% jitter.
        var initial = TimeSpan.FromSeconds(1);
        var max = TimeSpan.FromSeconds(30);
        double[] seconds = [1, 2, 4, 8, 16, 30, 30, 30];
        for (var failure = 1; failure <= seconds.Length; failure++)
        {
            var expected = seconds[failure - 1];
            Assert.Equal(expected, PolyChatSession.ReconnectDelay(failure, initial, max, 0.5).TotalSeconds, 9);
            Assert.Equal(expected * 0.8, PolyChatSession.ReconnectDelay(failure, initial, max, 0.0).TotalSeconds, 9);
            Assert.Equal(expected * 1.2, PolyChatSession.ReconnectDelay(failure, initial, max, 1.0).TotalSeconds, 9);
        }

        Assert.Equal(30 * 0.8, PolyChatSession.ReconnectDelay(int.MaxValue, initial, max, 0.0).TotalSeconds, 9);
    }

    [Fact]
    public async Task TheSessionWaitsTheJitteredDelayFromItsRandomSource()
    {
        // §4b with the SDKs' jitter: at the top of the ±20% band the first reconnect waits 1.2 s, not less.
        var dropped = DateTimeOffset.MinValue;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var reconnectedAt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            if (connection.Index > 0)
            {
                reconnectedAt.TrySetResult(clock.GetUtcNow());
                await connection.RefuseAsync(404, "session not found");
                return;
            }

            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
        });
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, jitter: () => 0.999999));
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");
        dropped = clock.GetUtcNow();
        server.Connections[0].Abort();

        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(50), () => reconnectedAt.Task.IsCompleted, "the reconnect", Waits.Cap);

        // 1 s + 20% jitter, on a clock moved in 50 ms steps: a few steps of slack above, none below.
        var waited = await reconnectedAt.Task - dropped;
        Assert.True(waited >= TimeSpan.FromSeconds(1.199) && waited <= TimeSpan.FromSeconds(1.5), $"reconnected after {waited}");
    }

    private static Task<ScriptedServer> RefusingReconnectsAsync(int status, string text) => ScriptedServer.StartAsync(async connection =>
    {
        if (connection.Index > 0)
        {
            await connection.RefuseAsync(status, text);
            return;
        }

        await connection.AcceptAsync();
        await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
    });

    // A drop without a close frame (1006), once the client has read the history: a reset any sooner could discard
    // frames still unread in the client's receive buffer.
    private static async Task DropAfterHistoryAsync(ScriptedServer server, ScriptedClient client)
    {
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");
        server.Connections[0].Abort();
    }

    private static void Record(ConcurrentQueue<string> tags, Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> measured)
    {
        tags.Enqueue(instrument.Name);
        foreach (var tag in measured)
        {
            tags.Enqueue($"{tag.Key}={tag.Value}");
        }
    }
}
