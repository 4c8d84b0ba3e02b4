using System;
using System.Linq;
using System.Net.WebSockets;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Tests;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>What the client does when the session ends, against a scripted server (not the simulator).</summary>
public sealed class SessionEndConformanceTests
{
    private const string Heartbeat = "EVENT_TYPE_HEARTBEAT";

    [Fact]
    public async Task AfterSessionEndTheClientClosesWith1000StopsTheHeartbeatFailsPendingAndCompletesTheStream()
    {
        // §3a: "Nothing follows it; the client should close the socket". §4a: the client closes after SESSION_END.
        // §5f: heartbeats every heartbeat_interval_seconds. The server here sends SESSION_END and keeps the socket open.
        var endNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 30), ServerFrames.AgentJoined(2)));
            await endNow.Task;
            await connection.SendAsync(ServerFrames.SessionEnd(3, "REASON_NATURAL_END"));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var time = new CountingTimeProvider(clock);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, time));
        var connection = await server.WaitForConnectionAsync(1);
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");

        // The heartbeat runs before the end: one interval gives one heartbeat after the connect heartbeat.
        clock.Advance(TimeSpan.FromSeconds(30));
        await Waits.UntilAsync(() => connection.ReceivedTypes.Count(type => type == Heartbeat) == 2, "the timer's heartbeat");
        var pending = await client.Session.SendMessageAsync("Still there?");
        await connection.WaitForTypeAsync("EVENT_TYPE_USER_MESSAGE");
        var framesBeforeEnd = connection.Received.Count;

        endNow.SetResult();

        Assert.Null(await client.EndedAsync());
        Assert.IsType<SessionEndEvent>(client.Events[^1]);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await connection.ClientClose.WaitAsync(Waits.Cap));
        Assert.Equal(DeliveryStatus.Failed, await pending.Completion.WaitAsync(Waits.Cap));
        Assert.Contains("REASON_NATURAL_END", pending.FailureReason, StringComparison.Ordinal);

        // Three more heartbeat intervals: no timer of the session fires (the heartbeat is stopped, not merely unable
        // to reach a closed socket), nothing more reaches the server, and the session made no new connection.
        var firedAtEnd = time.Fired;
        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(firedAtEnd, time.Fired);

        await connection.ClientDone.WaitAsync(Waits.Cap);
        Assert.Equal(framesBeforeEnd, connection.Received.Count);
        Assert.Equal(2, connection.ReceivedTypes.Count(type => type == Heartbeat));
        Assert.Single(server.Connections);
    }

    [Fact]
    public async Task SessionEndInTheReplayEndsTheSessionWithoutAJoinRequest()
    {
        // §3a: nothing follows SESSION_END; §2: the join request is for a new session, not an ended one.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.SessionEnd(2, "REASON_USER_ABANDONED")));
        });
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server));
        var connection = await server.WaitForConnectionAsync(1);

        Assert.Null(await client.EndedAsync());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await connection.ClientClose.WaitAsync(Waits.Cap));
        Assert.Equal([Heartbeat], connection.ReceivedTypes);
        Assert.Equal(["EVENT_TYPE_SESSION_START", "EVENT_TYPE_SESSION_END"], client.Events.Select(e => e.Type.Value));
    }

    [Fact]
    public async Task ANormalCloseWithoutSessionEndEndsTheSessionWithoutReconnecting()
    {
        // §5g [SDK]: 1000 is a normal, terminal close, even without SESSION_END: no reconnect.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.AgentMessage(3, "Hello"));
            await connection.CloseAsync(1000);
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));

        Assert.Null(await client.EndedAsync());
        Assert.Equal(3, client.Events.Count);

        // Well past any backoff: still one connection, and the session is over, so none can still be on its way.
        clock.Advance(TimeSpan.FromMinutes(5));
        await server.Connections[0].ClientDone.WaitAsync(Waits.Cap);
        Assert.Equal(SessionPhase.Ended, client.Session.Phase);
        Assert.Single(server.Connections);
    }
}
