using System;
using System.Linq;
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

/// <summary>
/// How a session ends depends on its cause, and every way of ending stops everything: after <c>EndAsync</c> (§4a step
/// 8) the server's "I no longer know this session" (404 on reconnect, §5e; close 4001, §5g [SDK]) is the end the
/// application asked for, not a failure; no timer of the session fires afterwards. Typing (§2, not echoed, not
/// tracked) while disconnected is dropped, not thrown and not sent later.
/// </summary>
public sealed class SessionEndByCauseTests
{
    private const string EndSession = "EVENT_TYPE_USER_END_SESSION";
    private const string Typing = "EVENT_TYPE_USER_TYPING";

    [Fact]
    public async Task AfterEndAsyncADropAndA404OnReconnectEndTheSessionAndNoTimerFiresAfterwards()
    {
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            if (connection.Index > 0)
            {
                await connection.RefuseAsync(404, "session not found");
                return;
            }

            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 30), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.Typing(0));

            // The end request arrives, then the socket drops before its echo and SESSION_END.
            await connection.WaitForTypeAsync(EndSession);
            connection.Abort();
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var time = new CountingTimeProvider(clock);
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, time));
        await using var guard = Soon.Quietly(client);
        await Soon.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the end of the history");

        var end = await client.Session.EndAsync();
        await Soon.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(100), () => client.Reading.IsCompleted, "the stream to complete after the 404", TimeSpan.FromSeconds(10));
        Assert.Null(await client.EndedAsync());
        Assert.Equal(2, server.Connections.Count);
        Assert.Equal(DeliveryStatus.Failed, await Soon.Within(end.Completion, "the end message to settle"));

        // Minutes of the session's clock: not one timer callback (the heartbeat was every 30 s).
        var fired = time.Fired;
        await Soon.AdvanceAsync(clock, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10));
        Assert.Equal(fired, time.Fired);
        Assert.Equal(2, server.Connections.Count);
    }

    [Fact]
    public async Task AfterEndAsyncAClose4001EndsTheSessionAsA404DoesWithoutAnException()
    {
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.Typing(0));

            // §5g [SDK]: 4001 "session unknown", in answer to the end request, before its echo and SESSION_END.
            await connection.WaitForTypeAsync(EndSession);
            await connection.CloseAsync(4001, "session unknown");
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await using var guard = Soon.Quietly(client);
        await Soon.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the end of the history");

        var end = await client.Session.EndAsync();
        var ended = await Record.ExceptionAsync(() => Soon.Within(client.Reading, "the stream to complete after 4001"));

        Assert.Null(ended);
        Assert.Equal(DeliveryStatus.Failed, await Soon.Within(end.Completion, "the end message to settle"));
        Assert.False(string.IsNullOrWhiteSpace(end.FailureReason));

        // Over for good: no reconnect can still be on its way.
        Assert.Equal(SessionPhase.Ended, client.Session.Phase);
        Assert.Single(server.Connections);
    }

    [Fact]
    public async Task TypingWhileDisconnectedDoesNotThrowAndIsNotSentOnTheReconnect()
    {
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(connection.Index == 0
                ? ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2))
                : ServerFrames.Batch());
            await connection.SendAsync(ServerFrames.Typing(connection.Index));
            var message = await connection.WaitForTypeAsync("EVENT_TYPE_USER_MESSAGE");
            await connection.SendAsync(ServerFrames.UserMessageEcho(3, "barrier", ScriptedConnection.ClientEventIdOf(message)!));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var time = new CountingTimeProvider(clock);
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, time));
        await using var guard = Soon.Quietly(client);
        await Soon.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the end of the history");

        // The drop is noticed when the session starts its backoff (a timer on its clock); the fake clock stands still.
        var timers = time.Created;
        server.Connections[0].Abort();
        await Soon.UntilAsync(() => time.Created > timers, "the backoff after the drop");
        await Task.Delay(50);

        var thrown = await Record.ExceptionAsync(async () => await client.Session.SendTypingAsync(true));
        Assert.Null(thrown);

        // Reconnect; a message sent after the replay is the barrier: a typing frame sent on the reconnect is ahead of it.
        await Soon.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(100), () => client.Count<LiveAgentTypingEvent>() == 2, "the reconnect", TimeSpan.FromSeconds(5));
        var barrier = await client.Session.SendMessageAsync("barrier");
        Assert.Equal(DeliveryStatus.Sent, await Soon.Within(barrier.Completion, "the barrier's echo"));
        var second = server.Connections[1];
        Assert.Equal(1, second.ReceivedTypes.Count(type => type == "EVENT_TYPE_USER_MESSAGE"));
        Assert.DoesNotContain(Typing, second.ReceivedTypes);
        Assert.DoesNotContain(Typing, server.Connections[0].ReceivedTypes);
    }
}
