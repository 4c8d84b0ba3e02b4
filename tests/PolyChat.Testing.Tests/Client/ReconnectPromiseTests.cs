using System;
using System.Net.Http;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>
/// README "Reconnect", "Refusals" and "Transport": the reconnect count, its default, and which handshake failures
/// back off rather than end the session, against a scripted server.
/// </summary>
public sealed class ReconnectPromiseTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    // SESSION_START whose capabilities carry no max_reconnect_attempts (§3b: the hint is optional).
    private static readonly string StartWithoutHint = ServerFrames.Event(1, "EVENT_TYPE_SESSION_START",
        "{\"capabilities\":{\"streaming\":false,\"max_message_size_bytes\":131072,\"heartbeat_interval_seconds\":30}}");

    [Fact]
    public async Task AConnectionThatDeliveredAFrameResetsTheReconnectCount()
    {
        // Limit 2. Drop (1), 503 (2), then a connection that delivers a frame before it drops: the count starts
        // again, so two more failures are allowed (3 and 4 are refused, the third one in a row ends it).
        // Without the reset the drop of connection 2 would be failure 3 and end the session there.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            switch (connection.Index)
            {
                case 0:
                    await connection.AcceptAsync();
                    await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
                    break;
                case 2:
                    await connection.AcceptAsync();
                    await connection.SendAsync(ServerFrames.AgentMessage(3, "back again"));
                    break;
                default:
                    await connection.RefuseAsync(503, "unavailable");
                    break;
            }
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, maxReconnectAttempts: 2));
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");
        server.Connections[0].Abort();

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Count<PolyAgentMessageEvent>() == 1, "the productive reconnect", TimeSpan.FromMinutes(1));
        server.Connections[2].Abort();
        await Waits.AdvanceUntilAsync(clock, Step, () => client.Reading.IsCompleted, "the end of the session", TimeSpan.FromMinutes(2));

        var error = Assert.IsType<SessionClosedException>(await client.EndedAsync());
        Assert.Contains("Reconnecting failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, server.Connections.Count);
    }

    [Fact]
    public async Task AConnectionThatDeliveredNothingDoesNotResetTheReconnectCount()
    {
        // The counterpart: connection 2 opens (the session sends its HEARTBEAT) but the server sends nothing before
        // it drops. That is failure 3 of 2: the session ends there.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            switch (connection.Index)
            {
                case 0:
                    await connection.AcceptAsync();
                    await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
                    break;
                case 2:
                    await connection.AcceptAsync();
                    await connection.WaitForTypeAsync("EVENT_TYPE_HEARTBEAT");
                    connection.Abort();
                    break;
                default:
                    await connection.RefuseAsync(503, "unavailable");
                    break;
            }
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, maxReconnectAttempts: 2));
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");
        server.Connections[0].Abort();

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Reading.IsCompleted, "the end of the session", TimeSpan.FromMinutes(2));

        var error = Assert.IsType<SessionClosedException>(await client.EndedAsync());
        Assert.Contains("Reconnecting failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Connections.Count);
    }

    [Fact]
    public async Task WithoutTheOptionOrAServerHintTheSessionMakesFiveReconnectAttempts()
    {
        // README: MaxReconnectAttempts when set, else capabilities.max_reconnect_attempts, "otherwise 5".
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            if (connection.Index > 0)
            {
                await connection.RefuseAsync(503, "unavailable");
                return;
            }

            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(StartWithoutHint, ServerFrames.AgentJoined(2)));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");
        Assert.Null(client.Session.Capabilities?.MaxReconnectAttempts);
        server.Connections[0].Abort();

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Reading.IsCompleted, "the end of the session", TimeSpan.FromMinutes(5));

        var error = Assert.IsType<SessionClosedException>(await client.EndedAsync());
        Assert.Contains("Reconnecting failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(1 + 5, server.Connections.Count);
    }

    [Fact]
    public async Task A429OnTheHandshakeBacksOffAndTheSessionGoesOn()
    {
        // §5e: 429 "connection limit exceeded for session"; README: 429 and 5xx are transient and back off.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var attempts = new DateTimeOffset[3];
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            attempts[connection.Index] = clock.GetUtcNow();
            switch (connection.Index)
            {
                case 0:
                    await connection.AcceptAsync();
                    await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
                    break;
                case 1:
                    await connection.RefuseAsync(429, "connection limit exceeded for session");
                    break;
                default:
                    await connection.AcceptAsync();
                    await connection.SendAsync(ServerFrames.AgentMessage(3, "after the 429"));
                    break;
            }
        });
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");
        server.Connections[0].Abort();

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Count<PolyAgentMessageEvent>() == 1, "the reconnect after the 429", TimeSpan.FromMinutes(1));

        Assert.False(client.Reading.IsCompleted);
        Assert.Equal(3, server.Connections.Count);
        Assert.Equal(2, server.Connections[2].Cursor);

        // The second backoff (2 s with the jitter's midpoint) separates the 429 from the next attempt.
        Assert.True(attempts[2] - attempts[1] >= TimeSpan.FromSeconds(2), $"retried {attempts[2] - attempts[1]} after the 429");
    }

    [Theory]
    [InlineData("WebSocketException")]
    [InlineData("HttpRequestException")]
    public async Task AFactoryThatThrowsATransportErrorIsRetriedWithBackoff(string kind)
    {
        // README "Transport": WebSocketException and HttpRequestException from SessionOptions.WebSocketFactory are
        // transient. The factory fails the first reconnect attempt, then connects for real.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(connection.Index == 0
                ? ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2))
                : ServerFrames.AgentMessage(3, "after the failed attempt"));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var calls = 0;
        var failedAt = DateTimeOffset.MinValue;
        var nextAt = DateTimeOffset.MinValue;
        var options = ScriptedClient.Options(server, clock, webSocketFactory: async (address, cancellationToken) =>
        {
            switch (Interlocked.Increment(ref calls))
            {
                case 2:
                    failedAt = clock.GetUtcNow();
                    throw kind == "WebSocketException"
                        ? new WebSocketException(WebSocketError.Faulted, "the link failed")
                        : new HttpRequestException("the proxy refused");
                case 3:
                    nextAt = clock.GetUtcNow();
                    break;
            }

            var socket = new ClientWebSocket();
            await socket.ConnectAsync(address, cancellationToken);
            return socket;
        });
        await using var client = await ScriptedClient.ConnectAsync(options);
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");
        server.Connections[0].Abort();

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Count<PolyAgentMessageEvent>() == 1, "the reconnect after the failed attempt", TimeSpan.FromMinutes(1));

        Assert.False(client.Reading.IsCompleted);
        Assert.Equal(3, Volatile.Read(ref calls));
        Assert.Equal(2, server.Connections.Count);
        Assert.True(nextAt - failedAt >= TimeSpan.FromSeconds(2), $"retried {nextAt - failedAt} after the failure");
    }

    [Fact]
    public async Task AHandshakeThatTimesOutIsRetriedWithBackoff()
    {
        // README: an OperationCanceledException from the default transport that the session's own cancellation did
        // not cause (a handshake timeout, as HttpClient reports one) is transient. The default transport's
        // configuration callback runs inside its handshake; it raises the timeout on the first reconnect attempt.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(connection.Index == 0
                ? ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2))
                : ServerFrames.AgentMessage(3, "after the timeout"));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var calls = 0;
        var options = ScriptedClient.Options(server, clock, configureWebSocket: _ =>
        {
            if (Interlocked.Increment(ref calls) == 2)
            {
                throw new TaskCanceledException("The handshake timed out.", new TimeoutException());
            }
        });
        await using var client = await ScriptedClient.ConnectAsync(options);
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");
        server.Connections[0].Abort();

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Count<PolyAgentMessageEvent>() == 1, "the reconnect after the timeout", TimeSpan.FromMinutes(1));

        Assert.False(client.Reading.IsCompleted);
        Assert.Equal(3, Volatile.Read(ref calls));
        Assert.Equal(2, server.Connections.Count);
    }
}
