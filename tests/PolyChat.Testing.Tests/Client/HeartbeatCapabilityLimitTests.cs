using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>
/// §3b <c>heartbeat_interval_seconds</c> at the edges of what the capabilities type holds (a <c>long</c>): a period no
/// timer can take (past ~49.7 days, the limit of the system timer) must not break the session; such a heartbeat
/// simply never comes within an hour. 0 turns heartbeats off (§3b [SDK]); a negative value is no interval at all,
/// so the documented default applies (§5f: every 30 s when the field is absent).
/// </summary>
public sealed class HeartbeatCapabilityLimitTests
{
    private const string Heartbeat = "EVENT_TYPE_HEARTBEAT";
    private const string Typing = "EVENT_TYPE_USER_TYPING";

    [Theory]
    [InlineData(4294968L)]
    [InlineData(2147483647L)]
    [InlineData(long.MaxValue)]
    public async Task AHeartbeatIntervalPastWhatATimerHoldsLeavesTheSessionWorkingOnTheSystemClock(long seconds)
    {
        // The system clock, whose timers refuse periods over 4294967294 ms: events still arrive, a message gets its
        // receipt, SESSION_END completes the stream and DisposeAsync is clean.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(SessionStart(seconds), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.AgentMessage(3, "Hello"));
            var message = await connection.WaitForTypeAsync("EVENT_TYPE_USER_MESSAGE");
            await connection.SendAsync(ServerFrames.UserMessageEcho(4, "hi", ScriptedConnection.ClientEventIdOf(message)!));
            await connection.SendAsync(ServerFrames.SessionEnd(5, "REASON_NATURAL_END"));
        });
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server));
        await using var guard = Soon.Quietly(client);

        await Soon.UntilAsync(() => client.Count<PolyAgentMessageEvent>() == 1, "the events after SESSION_START");
        Assert.Equal(seconds, client.Session.Capabilities!.HeartbeatIntervalSeconds);
        var message = await client.Session.SendMessageAsync("hi");
        Assert.Equal(DeliveryStatus.Sent, await Soon.Within(message.Completion, "the receipt"));
        await Soon.Within(client.Reading, "the stream to complete after SESSION_END");
        Assert.Equal([1L, 2, 3, 4, 5], client.Events.Select(e => e.Sequence!.Value));
        Assert.Null(await Record.ExceptionAsync(() => Soon.Within(client.Session.DisposeAsync().AsTask(), "DisposeAsync")));
    }

    [Theory]
    [InlineData(4294968L)]
    [InlineData(2147483647L)]
    [InlineData(long.MaxValue)]
    [InlineData(0L)]
    public async Task AHeartbeatIntervalOfZeroOrPastWhatATimerHoldsSendsNoHeartbeatInAnHour(long seconds)
    {
        var (client, connection, server, clock) = await ConnectAsync(seconds);
        await using var serverGuard = server;
        await using var guard = Soon.Quietly(client);
        var before = await HeartbeatsBehindABarrierAsync(client, connection);

        await Soon.AdvanceAsync(clock, TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));

        Assert.Equal(before, await HeartbeatsBehindABarrierAsync(client, connection));
        Assert.Single(server.Connections);
        Assert.False(client.Reading.IsCompleted, "the session is still running");
        Assert.Null(await Record.ExceptionAsync(() => Soon.Within(client.Session.DisposeAsync().AsTask(), "DisposeAsync")));
    }

    [Fact]
    public async Task ANegativeHeartbeatIntervalIsTreatedAsAbsentAndTheHeartbeatGoesEvery30Seconds()
    {
        var (client, connection, server, clock) = await ConnectAsync(-5);
        await using var serverGuard = server;
        await using var guard = Soon.Quietly(client);
        var before = await HeartbeatsBehindABarrierAsync(client, connection);

        // Each count is taken behind a typing frame sent after the advance: a heartbeat the timer fired is ahead of it.
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(before, await HeartbeatsBehindABarrierAsync(client, connection));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(before + 1, await HeartbeatsBehindABarrierAsync(client, connection));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(before + 2, await HeartbeatsBehindABarrierAsync(client, connection));
    }

    private static async Task<(ScriptedClient Client, ScriptedConnection Connection, ScriptedServer Server, FakeTimeProvider Clock)> ConnectAsync(long seconds)
    {
        var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(SessionStart(seconds), ServerFrames.AgentJoined(2)));

            // A live frame ends the history at once (§4a).
            await connection.SendAsync(ServerFrames.AgentMessage(3, "Hello"));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        ScriptedClient? client = null;
        try
        {
            client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
            var connection = await Soon.Within(server.WaitForConnectionAsync(1), "the connection");
            await Soon.UntilAsync(() => client.Count<PolyAgentMessageEvent>() == 1, "the live message after SESSION_START");
            Assert.Equal(seconds, client.Session.Capabilities!.HeartbeatIntervalSeconds);
            return (client, connection, server, clock);
        }
        catch
        {
            if (client is not null)
            {
                await Soon.Quietly(client).DisposeAsync();
            }

            await server.DisposeAsync();
            throw;
        }
    }

    // The heartbeats sent so far, counted once a typing frame sent now has arrived: anything sent before it is in.
    private static async Task<int> HeartbeatsBehindABarrierAsync(ScriptedClient client, ScriptedConnection connection)
    {
        var typingBefore = connection.ReceivedTypes.Count(type => type == Typing);
        await client.Session.SendTypingAsync(true);
        await Soon.UntilAsync(() => connection.ReceivedTypes.Count(type => type == Typing) == typingBefore + 1, "the typing barrier");
        return connection.ReceivedTypes.Count(type => type == Heartbeat);
    }

    private static string SessionStart(long heartbeatSeconds) =>
        ServerFrames.Event(1, "EVENT_TYPE_SESSION_START", string.Create(CultureInfo.InvariantCulture,
            $"{{\"capabilities\":{{\"streaming\":false,\"max_message_size_bytes\":131072,\"max_reconnect_attempts\":5,\"heartbeat_interval_seconds\":{heartbeatSeconds}}}}}"));
}
