using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Streaming;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>
/// An application handler that throws (of <c>FrameRejected</c>, <c>GapDeclared</c>, <c>MessageAbandoned</c> or
/// <c>Deliveries.Updated</c>) is the application's bug, not the session's end (ours): the session logs it at Error
/// level and goes on. Later events still reach <c>ReadEventsAsync</c>, messages still get their receipts, the stream
/// completes on <c>SESSION_END</c>, and <c>DisposeAsync</c> does not throw. Every wait is bounded to 10 s.
/// </summary>
public sealed class SessionHandlerFailureTests
{
    private const string UserMessage = "EVENT_TYPE_USER_MESSAGE";
    private static readonly TimeSpan FarOut = TimeSpan.FromHours(1);

    [Fact]
    public async Task AThrowingFrameRejectedHandlerIsLoggedAndTheSessionGoesOn()
    {
        const string Marker = "frame-rejected handler failure 7d1c";
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
            await subscribed.Task;

            // Hostile frames (§6 is about the client's; ours: a malformed inbound frame is dropped and reported).
            await connection.SendAsync("{ this is not json");
            await connection.SendAsync("{\"id\":\"x\",\"sequence\":\"three\",\"type\":\"EVENT_TYPE_POLY_AGENT_MESSAGE\",\"payload\":[]}");
            await connection.SendAsync(ServerFrames.AgentMessage(3, "after the bad frames"));
            await EchoThenEndAsync(connection, 4);
        });
        var logger = new CapturingLogger();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, logger: logger, gapReconnectDelay: FarOut));
        await using var guard = Soon.Quietly(client);
        var rejected = 0;
        client.Session.FrameRejected += (_, _) =>
        {
            rejected++;
            throw new InvalidOperationException(Marker);
        };
        subscribed.SetResult();

        await Soon.UntilAsync(() => client.Count<PolyAgentMessageEvent>() == 1, "the agent message after the rejected frames");
        await AssertGoesOnAsync(client, logger, Marker, expectedSequences: [1, 2, 3, 4, 5]);
        Assert.Equal(2, rejected);
    }

    [Fact]
    public async Task AThrowingGapDeclaredHandlerIsLoggedAndTheSessionGoesOn()
    {
        // A hole (3 is missing) that times out: the sequencer's GapTimeout (2 s) declares it; the gap repair is
        // pushed an hour out so the timeout acts first (as in SessionTimerTests).
        const string Marker = "gap-declared handler failure 41e9";
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.AgentMessage(4, "after the hole"));
            await connection.SendAsync(ServerFrames.Typing(1));
            await EchoThenEndAsync(connection, 5);
        });
        var logger = new CapturingLogger();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(
            server, clock, logger: logger, gapReconnectDelay: FarOut, sequencing: new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(2) }));
        await using var guard = Soon.Quietly(client);
        var gaps = 0;
        client.Session.GapDeclared += (_, _) =>
        {
            gaps++;
            throw new InvalidOperationException(Marker);
        };

        await Soon.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the typing frame after the held event");
        clock.Advance(TimeSpan.FromSeconds(3));

        await AssertGoesOnAsync(client, logger, Marker, expectedSequences: [1, 2, 4, 5, 6]);
        Assert.Equal(1, gaps);
    }

    [Fact]
    public async Task AThrowingMessageAbandonedHandlerForATimedOutReplyIsLoggedAndTheSessionGoesOn()
    {
        // §4d: chunks until is_complete; this reply stays incomplete past its timeout (an hour on the fake clock).
        const string Marker = "message-abandoned handler failure 9a02";
        const string Chunk = "{\"message_id\":\"m1\",\"chunk_index\":1,\"text\":\"Hel\",\"is_complete\":false}";
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.Event(3, "EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK", Chunk));
            await connection.SendAsync(ServerFrames.Typing(1));
            await EchoThenEndAsync(connection, 4);
        });
        var logger = new CapturingLogger();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(
            server, clock, logger: logger, gapReconnectDelay: FarOut, streaming: new StreamAssemblyOptions { IncompleteTimeout = TimeSpan.FromHours(1) }));
        await using var guard = Soon.Quietly(client);
        var abandoned = 0;
        client.Session.MessageAbandoned += (_, _) =>
        {
            abandoned++;
            throw new InvalidOperationException(Marker);
        };

        await Soon.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the frame after the first chunk");
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await AssertGoesOnAsync(client, logger, Marker, expectedSequences: [1, 2, 3, 4, 5]);
        Assert.Equal(1, abandoned);
    }

    [Fact]
    public async Task AThrowingMessageAbandonedHandlerForAReplyCutBySessionEndIsLoggedAndTheStreamCompletes()
    {
        // §3a: nothing follows SESSION_END, so the open reply is given up; the handler throws at that moment.
        const string Marker = "message-abandoned at the end failure 5be3";
        const string Chunk = "{\"message_id\":\"m1\",\"chunk_index\":1,\"text\":\"Hel\",\"is_complete\":false}";
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
            await subscribed.Task;
            await connection.SendAsync(ServerFrames.Event(3, "EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK", Chunk));
            await connection.SendAsync(ServerFrames.SessionEnd(4, "REASON_NATURAL_END"));
        });
        var logger = new CapturingLogger();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, logger: logger, gapReconnectDelay: FarOut));
        await using var guard = Soon.Quietly(client);
        var abandoned = 0;
        client.Session.MessageAbandoned += (_, _) =>
        {
            abandoned++;
            throw new InvalidOperationException(Marker);
        };
        subscribed.SetResult();

        await Soon.Within(client.Reading, "the stream to complete after SESSION_END");
        Assert.Equal([1L, 2, 3, 4], client.Events.Select(e => e.Sequence!.Value));
        Assert.Equal(1, abandoned);
        AssertLoggedAsError(logger, Marker);
        Assert.Null(await Record.ExceptionAsync(() => Soon.Within(client.Session.DisposeAsync().AsTask(), "DisposeAsync")));
    }

    [Fact]
    public async Task AThrowingDeliveriesUpdatedHandlerIsLoggedAndTheSessionGoesOn()
    {
        // §2: the echo is the receipt. The handler throws on every update of every message.
        const string Marker = "deliveries-updated handler failure c3f0";
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.Typing(1));
            await EchoThenEndAsync(connection, 3);
        });
        var logger = new CapturingLogger();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, logger: logger, gapReconnectDelay: FarOut));
        await using var guard = Soon.Quietly(client);
        var updates = 0;
        client.Session.Deliveries.Updated += (_, _) =>
        {
            updates++;
            throw new InvalidOperationException(Marker);
        };
        await Soon.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the end of the history");

        await AssertGoesOnAsync(client, logger, Marker, expectedSequences: [1, 2, 3, 4]);
        Assert.True(updates >= 2, $"{updates} updates (Sending, Sent at least)");
    }

    // The server's side after the trigger: the echo of the next user message, an agent reply, SESSION_END.
    private static async Task EchoThenEndAsync(ScriptedConnection connection, long sequence)
    {
        var message = await connection.WaitForTypeAsync(UserMessage);
        await connection.SendAsync(ServerFrames.UserMessageEcho(sequence, "still here", ScriptedConnection.ClientEventIdOf(message)!));
        await connection.SendAsync(ServerFrames.SessionEnd(sequence + 1, "REASON_NATURAL_END"));
    }

    // After the handler threw: a message still gets its receipt, later events arrive, the stream completes normally on
    // SESSION_END, the failure is in the log at Error level, and DisposeAsync does not throw.
    private static async Task AssertGoesOnAsync(ScriptedClient client, CapturingLogger logger, string marker, long[] expectedSequences)
    {
        var message = await client.Session.SendMessageAsync("still here");
        Assert.Equal(DeliveryStatus.Sent, await Soon.Within(message.Completion, "the receipt of a message sent after the handler threw"));
        await Soon.Within(client.Reading, "the stream to complete after SESSION_END");
        Assert.Equal(expectedSequences, client.Events.Where(e => e.Sequence is not null).Select(e => e.Sequence!.Value));
        Assert.IsType<SessionEndEvent>(client.Events[^1]);
        AssertLoggedAsError(logger, marker);
        Assert.Null(await Record.ExceptionAsync(() => Soon.Within(client.Session.DisposeAsync().AsTask(), "DisposeAsync")));
    }

    private static void AssertLoggedAsError(CapturingLogger logger, string marker) =>
        Assert.Contains(logger.Lines, line => line.StartsWith("Error:", StringComparison.Ordinal) && line.Contains(marker, StringComparison.Ordinal));
}
