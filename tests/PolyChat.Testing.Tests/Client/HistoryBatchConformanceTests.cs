using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>
/// §4a step 2: on connect the server sends "one or more" EVENT_BATCH frames; §2 and §4b: the join request (new
/// session) and re-sends come "after processing the history". No frame marks the last batch, so the history counts
/// as processed at the first frame that is not a batch, or after SessionOptions.HistoryQuietPeriod without a frame
/// (our rule). The fake clock stands still until the test moves it, so the quiet period cannot end a history early.
/// </summary>
public sealed class HistoryBatchConformanceTests
{
    private const string Join = "EVENT_TYPE_REQUEST_POLY_AGENT_JOIN";
    private const string Heartbeat = "EVENT_TYPE_HEARTBEAT";
    private const string Typing = "EVENT_TYPE_USER_TYPING";
    private const string UserMessage = "EVENT_TYPE_USER_MESSAGE";
    private static readonly TimeSpan Quiet = new SessionOptions { WebSocketAddress = new Uri("ws://127.0.0.1/"), SessionId = "s", AccessToken = new("t", TimeSpan.Zero) }.HistoryQuietPeriod;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AnAgentJoinedInALaterBatchMeansNoJoinRequest(int seed)
    {
        // §2: "On a reconnect where the replayed history already holds POLY_AGENT_JOINED, do not send it."
        // §4a: the first batch always includes SESSION_START.
        var history = new[]
        {
            ServerFrames.SessionStart(1), ServerFrames.JoinEcho(2, null), ServerFrames.AgentJoined(3),
            ServerFrames.Thinking(4), ServerFrames.AgentMessage(5, "Hello"),
        };
        var batches = RandomBatches(history, new Random(seed), firstHoldsOnly: 1);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            foreach (var batch in batches)
            {
                await connection.SendAsync(batch);
            }
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));

        await Waits.UntilAsync(() => client.Events.Count == history.Length, "every batch");
        clock.Advance(Quiet * 4);
        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromSeconds(1), () => clock.GetUtcNow() - clock.Start >= TimeSpan.FromSeconds(10), "time for a join to be sent");

        // A typing frame sent now is the barrier: a join the session had sent would be ahead of it.
        Assert.True(await client.Session.SendTypingAsync(true));
        await server.Connections[0].WaitForTypeAsync(Typing);
        Assert.DoesNotContain(Join, server.Connections[0].ReceivedTypes);
        Assert.Equal(Enumerable.Range(1, history.Length).Select(i => (long?)i), client.Events.Select(e => e.Sequence));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task ANewSessionAsksForItsAgentOnceAfterTheLastBatch(int seed)
    {
        // §4a step 3: a new session (no POLY_AGENT_JOINED in the replay) sends REQUEST_POLY_AGENT_JOIN, after the history.
        var history = new[] { ServerFrames.SessionStart(1), ServerFrames.Event(2, "EVENT_TYPE_LANGUAGE_CHANGED", "{\"language_code\":\"fr-FR\"}") };
        var batches = RandomBatches(history, new Random(seed), firstHoldsOnly: 1);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            foreach (var batch in batches)
            {
                await connection.SendAsync(batch);
            }
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        var connection = await server.WaitForConnectionAsync(1);

        await Waits.UntilAsync(() => client.Events.Count == history.Length, "every batch");

        // The connect heartbeat went out before the batches were read, but the server may record it after the client
        // has read them: wait for it, then nothing else may have come.
        await Waits.UntilAsync(() => connection.ReceivedTypes.Count > 0, "the connect heartbeat");
        Assert.Equal([Heartbeat], connection.ReceivedTypes);

        // Only the quiet period, on the fake clock, can end this history now.
        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(100), () => connection.ReceivedTypes.Contains(Join), "the join request", Waits.Cap);
        clock.Advance(Quiet * 4);
        Assert.Single(connection.ReceivedTypes, type => type == Join);
    }

    [Fact]
    public async Task AFrameThatIsNotABatchEndsTheHistoryAtOnce()
    {
        // Our rule: live traffic means the replay is over, so the join goes out without waiting for the quiet period.
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.NewSessionHistory());
            await connection.SendAsync(ServerFrames.Event(2, "EVENT_TYPE_LANGUAGE_CHANGED", "{\"language_code\":\"fr-FR\"}"));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));

        await (await server.WaitForConnectionAsync(1)).WaitForTypeAsync(Join);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task AnEchoInALaterReplayBatchIsNotResent(int seed)
    {
        // §4b: after a reconnect, re-send only what the replayed history does not hold; §2: the echo is the receipt.
        var echo = "";
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
                var sent = await connection.WaitForTypeAsync(UserMessage);
                echo = ServerFrames.UserMessageEcho(3, "Can I change my delivery address?", ScriptedConnection.ClientEventIdOf(sent)!);

                // The server kept the message, but the socket drops before the echo goes out.
                connection.Abort();
                return;
            }

            var replay = new[] { echo, ServerFrames.Thinking(4), ServerFrames.AgentMessage(5, "Yes.") };
            await connection.SendAsync(ServerFrames.Batch());
            foreach (var batch in RandomBatches(replay, new Random(seed), firstHoldsOnly: 0))
            {
                await connection.SendAsync(batch);
            }
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");
        var message = await client.Session.SendMessageAsync("Can I change my delivery address?");

        // The backoff (1 s); then the clock stands still while every batch arrives, so only the last one can
        // start the quiet period that ends the history.
        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(100), () => server.Connections.Count == 2, "the reconnect", Waits.Cap);
        await Waits.UntilAsync(() => client.Count<PolyAgentMessageEvent>() == 1, "the replay");
        var replayed = clock.GetUtcNow();
        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(100), () => clock.GetUtcNow() - replayed >= Quiet * 4, "the quiet period");

        Assert.Equal(DeliveryStatus.Sent, await message.Completion.WaitAsync(Waits.Cap));
        Assert.Equal(2, server.Connections.Count);
        Assert.True(await client.Session.SendTypingAsync(true));
        await server.Connections[1].WaitForTypeAsync(Typing);
        Assert.DoesNotContain(UserMessage, server.Connections[1].ReceivedTypes);
        Assert.Single(client.Events.OfType<UserMessageEvent>());
        Assert.Equal(1, message.Attempts);
    }

    [Fact]
    public async Task WithNoBatchAtAllAfterAReconnectAPendingMessageGoesOutOnItsScheduleOnTheNewConnection()
    {
        // §4b / §5c: nothing newer than the cursor may mean no batch at all ([unconfirmed] whether empty batches
        // are sent); the quiet period still ends the history, and the unconfirmed message's next attempt (§2's 5 s
        // instant, owed while the link was down) goes out with its client_event_id (§2: every attempt carries it).
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
                await connection.WaitForTypeAsync(UserMessage);
                connection.Abort();
            }
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");
        var message = await client.Session.SendMessageAsync("Hello?");

        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(100), () => server.Connections.Count == 2, "the reconnect", Waits.Cap);
        var second = server.Connections[1];
        Assert.Equal(2, second.Cursor);
        await Waits.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(100), () => second.ReceivedTypes.Contains(UserMessage), "the re-send", Waits.Cap);

        Assert.Equal(message.ClientEventId, ScriptedConnection.ClientEventIdOf(second.Received.First(f => ScriptedConnection.TypeOf(f) == UserMessage)));
        Assert.True(await client.Session.SendTypingAsync(true));
        await second.WaitForTypeAsync(Typing);
        Assert.DoesNotContain(Join, second.ReceivedTypes);
    }

    /// <summary>Splits <paramref name="events"/> into batches of random sizes, empty ones included; the first batch holds exactly <paramref name="firstHoldsOnly"/> events.</summary>
    private static List<string> RandomBatches(string[] events, Random random, int firstHoldsOnly)
    {
        var batches = new List<string> { ServerFrames.Batch(events.Take(firstHoldsOnly).ToArray()) };
        var next = firstHoldsOnly;
        while (next < events.Length)
        {
            var size = random.Next(0, 3);
            batches.Add(ServerFrames.Batch(events.Skip(next).Take(size).ToArray()));
            next += size;
        }

        return batches;
    }
}
