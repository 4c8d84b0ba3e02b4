using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Tests;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>
/// §2's receipt schedule holds on any link: a message is sent at 0, 5, 10 and 20 s after the session accepted it and
/// fails at 35 s, however often the socket drops and comes back. A reconnect by itself adds no attempt; an attempt
/// that fell due while disconnected goes out on the next connection, if the 35 s have not run out.
/// </summary>
public sealed class FlappingLinkScheduleTests
{
    private const string UserMessage = "EVENT_TYPE_USER_MESSAGE";
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    // One step of the fake clock, and the real-time lag of a timer's continuation behind it.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task OnALinkCutEverySixSecondsAMessageIsSentAtMostFourTimesAndFailsWithin35SecondsOfAcceptance()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(connection.Index == 0
                ? ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2))
                : ServerFrames.Batch());
            await connection.SendAsync(ServerFrames.Typing(connection.Index));

            // Never an echo; every socket is cut without a close frame 6 s after it opened.
            await Task.Delay(TimeSpan.FromSeconds(6), clock);
            connection.Abort();
        });
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await using var guard = Soon.Quietly(client);
        await Soon.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the end of the first history");

        var accepted = clock.GetUtcNow();
        var message = await client.Session.SendMessageAsync("anyone there?");

        // 35 s and the slack, or until it settles; then 60 s more, to count every send the session would still make.
        var deadline = accepted + TimeSpan.FromSeconds(35) + Slack;
        await Soon.AdvanceUntilAsync(clock, Step, () => message.Completion.IsCompleted || clock.GetUtcNow() >= deadline, "35 s of the flapping link", TimeSpan.FromSeconds(40));
        var settledInTime = message.Completion.IsCompleted;
        await Soon.AdvanceAsync(clock, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));

        var sends = SendsOf(server, message.ClientEventId);
        Assert.True(sends is >= 1 and <= 4, $"{sends} sends on {server.Connections.Count} connections");
        Assert.True(settledInTime, $"still {message.Status} 35 s after it was accepted");
        Assert.Equal(DeliveryStatus.Failed, await message.Completion);
    }

    [Fact]
    public async Task AReconnectAddsNoSendTheSecondSendComesFiveSecondsAfterAcceptance()
    {
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
            }
            else
            {
                // The replay after the cursor holds an agent message, not the echo.
                await connection.SendAsync(ServerFrames.Batch(ServerFrames.AgentMessage(3, "meanwhile")));
            }

            await connection.SendAsync(ServerFrames.Typing(connection.Index));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await using var guard = Soon.Quietly(client);
        await Soon.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the end of the first history");
        var first = server.Connections[0];

        var accepted = clock.GetUtcNow();
        var message = await client.Session.SendMessageAsync("anyone there?");
        await Soon.UntilAsync(() => SendsOn(first, message.ClientEventId) == 1, "the first send");

        // The link drops at 1 s; the reconnect (1 s backoff) replays without the echo, at about 2 s.
        clock.Advance(TimeSpan.FromSeconds(1));
        first.Abort();
        await Soon.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(20), () => client.Count<LiveAgentTypingEvent>() == 2, "the end of the replay after the reconnect", TimeSpan.FromSeconds(3));
        Assert.True(clock.GetUtcNow() - accepted < TimeSpan.FromSeconds(4.5), $"reconnected {(clock.GetUtcNow() - accepted).TotalSeconds} s after acceptance");
        var second = server.Connections[1];

        await BarrierAsync(client, second);
        Assert.Equal(0, SendsOn(second, message.ClientEventId));

        // 5 s after acceptance: the first retry, on the new connection, once.
        clock.Advance(accepted + TimeSpan.FromSeconds(5.05) - clock.GetUtcNow());
        await Soon.UntilAsync(() => SendsOn(second, message.ClientEventId) >= 1, "the retry at 5 s");
        await BarrierAsync(client, second);
        Assert.Equal(1, SendsOn(second, message.ClientEventId));
        Assert.Equal(2, SendsOf(server, message.ClientEventId));
        Assert.Equal(DeliveryStatus.Sending, message.Status);
    }

    [Fact]
    public async Task AMessageAcceptedWhileDisconnectedGoesOutOnTheNextConnectionAndFailsWithin35SecondsOfAcceptance()
    {
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            if (connection.Index is 1 or 2)
            {
                // §5e: 5xx is transient; the session backs off 2 s, then 4 s.
                await connection.RefuseAsync(503, "service unavailable");
                return;
            }

            await connection.AcceptAsync();
            await connection.SendAsync(connection.Index == 0
                ? ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2))
                : ServerFrames.Batch());
            await connection.SendAsync(ServerFrames.Typing(connection.Index));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var time = new CountingTimeProvider(clock);
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, time));
        await using var guard = Soon.Quietly(client);
        await Soon.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the end of the first history");

        // The drop is noticed when the session starts its backoff (a timer on its clock); the fake clock stands still.
        var timers = time.Created;
        server.Connections[0].Abort();
        await Soon.UntilAsync(() => time.Created > timers, "the backoff after the drop");
        await Task.Delay(50);

        var accepted = clock.GetUtcNow();
        var message = await client.Session.SendMessageAsync("anyone there?");
        Assert.Equal(0, SendsOf(server, message.ClientEventId));

        // Reconnected at about 7 s (1 + 2 + 4 s of backoff): the attempts due at 0 and 5 s go out there.
        await Soon.AdvanceUntilAsync(clock, Step, () => server.Connections.Count >= 4 && SendsOn(server.Connections[3], message.ClientEventId) >= 1, "the send on the new connection", TimeSpan.FromSeconds(9));
        await Soon.AdvanceUntilAsync(clock, Step, () => message.Completion.IsCompleted, "the message to settle", TimeSpan.FromSeconds(90));
        var settled = clock.GetUtcNow() - accepted;

        Assert.Equal(DeliveryStatus.Failed, await message.Completion);
        var sends = SendsOf(server, message.ClientEventId);
        Assert.True(sends is >= 1 and <= 4, $"{sends} sends");
        Assert.True(settled <= TimeSpan.FromSeconds(35) + Slack, $"failed {settled.TotalSeconds} s after it was accepted");
    }

    private static int SendsOn(ScriptedConnection connection, string clientEventId) =>
        connection.Received.Count(frame => ScriptedConnection.TypeOf(frame) == UserMessage && ScriptedConnection.ClientEventIdOf(frame) == clientEventId);

    private static int SendsOf(ScriptedServer server, string clientEventId) =>
        server.Connections.Sum(connection => SendsOn(connection, clientEventId));

    // A typing frame sent now: once it has arrived, every frame the session sent before it has too.
    private static async Task BarrierAsync(ScriptedClient client, ScriptedConnection connection)
    {
        var before = connection.ReceivedTypes.Count(type => type == "EVENT_TYPE_USER_TYPING");
        await client.Session.SendTypingAsync(true);
        await Soon.UntilAsync(() => connection.ReceivedTypes.Count(type => type == "EVENT_TYPE_USER_TYPING") == before + 1, "the typing barrier");
    }
}
