using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Streaming;
using PolyChat.Testing.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace PolyChat.Testing.Tests.Client;

/// <summary>The session client end to end against the simulator, over real loopback sockets.</summary>
public sealed class SessionClientTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FullLifecycleJoinsChatsAndEnds()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var session = await ConnectAsync(harness, streaming: false);
        var events = new List<Event>();

        await foreach (var value in session.ReadEventsAsync(harness.Token))
        {
            events.Add(value);
            if (value is PolyAgentMessageEvent { Payload.Text: { } text } && !text.Contains("order", StringComparison.Ordinal) && events.Count(e => e is PolyAgentMessageEvent) == 1)
            {
                var sent = await session.SendMessageAsync("Where is my order?", new Dictionary<string, string> { ["app"] = "tests" });
                Assert.Equal(DeliveryStatus.Sent, await sent.Completion.WaitAsync(harness.Token));
                Assert.NotNull(sent.ServerMessageId);
                Assert.Equal("tests", sent.Echo!.Metadata!.Custom!["app"]);
            }
            else if (value is PolyAgentMessageEvent reply && reply.Payload.Text?.Contains("Where is my order?", StringComparison.Ordinal) == true)
            {
                await session.EndAsync();
            }
        }

        var types = events.Select(e => e.Type.Value).ToList();
        Assert.Equal("EVENT_TYPE_SESSION_START", types[0]);
        // Each present, in this order (an IndexOf of -1 would pass a bare comparison).
        var join = types.IndexOf("EVENT_TYPE_REQUEST_POLY_AGENT_JOIN");
        var joined = types.IndexOf("EVENT_TYPE_POLY_AGENT_JOINED");
        var greeting = types.IndexOf("EVENT_TYPE_POLY_AGENT_MESSAGE");
        Assert.True(join >= 0 && join < joined && joined < greeting, $"join {join}, joined {joined}, greeting {greeting}");
        Assert.Equal("EVENT_TYPE_SESSION_END", types[^1]);
        Assert.Equal(SessionEndReason.UserEnd, ((SessionEndEvent)events[^1]).Payload.Reason);
        AssertExactlyOnceInOrder(events, harness);
        Assert.NotNull(session.Capabilities);
    }

    [Fact]
    public async Task StreamedRepliesArriveAsChunksThenAsOneAssembledMessage()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var session = await ConnectAsync(harness, streaming: true);
        var chunks = new List<PolyAgentMessageChunkEvent>();
        var assembledSeen = false;

        await foreach (var value in session.ReadEventsAsync(harness.Token))
        {
            if (value is PolyAgentMessageChunkEvent chunk)
            {
                chunks.Add(chunk);
            }
            else if (value is PolyAgentMessageEvent assembled)
            {
                assembledSeen = true;
                var parts = chunks.Where(c => c.Payload.MessageId == assembled.Payload.MessageId).OrderBy(c => c.Payload.ChunkIndex).ToList();
                Assert.True(parts.Count > 1);
                Assert.Equal(string.Concat(parts.Select(p => p.Payload.Text)), assembled.Payload.Text);
                // PROTOCOL.md §1b: apps dedupe by id, so the assembled reply has its own derived id and no sequence.
                Assert.Equal(StreamingMessage.AssembledIdPrefix + assembled.Payload.MessageId, assembled.Id);
                Assert.DoesNotContain(parts, p => p.Id == assembled.Id);
                Assert.Null(assembled.Sequence);
                Assert.True(parts[^1].Payload.IsComplete);
                break;
            }
        }

        // The loop left by its break, on an assembled reply, not because the stream ended first.
        Assert.True(assembledSeen, "The stream ended before an assembled reply.");
    }

    [Fact]
    public async Task ServerManagedHandoffReachesTheLiveAgent()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var session = await ConnectAsync(harness, streaming: false);
        var seen = new List<string>();
        var asked = false;

        await foreach (var value in session.ReadEventsAsync(harness.Token))
        {
            seen.Add(value.Type.Value);
            if (value is PolyAgentMessageEvent && !asked)
            {
                asked = true;
                await session.SendMessageAsync("I want a human agent");
            }
            else if (value is LiveAgentJoinedEvent)
            {
                await session.SendMessageAsync("bye");
            }
        }

        var order = new[]
        {
            "EVENT_TYPE_POLY_AGENT_TRIGGERED_HANDOFF", "EVENT_TYPE_POLY_AGENT_LEFT", "EVENT_TYPE_HANDOFF_ACCEPTED",
            "EVENT_TYPE_HANDOFF_QUEUE_STATUS", "EVENT_TYPE_LIVE_AGENT_JOINED", "EVENT_TYPE_LIVE_AGENT_LEFT", "EVENT_TYPE_SESSION_END",
        };
        var positions = order.Select(t => seen.IndexOf(t)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public async Task ClientManagedHandoffIsReported()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var session = await ConnectAsync(harness, streaming: false);
        var seen = new List<string>();

        await foreach (var value in session.ReadEventsAsync(harness.Token))
        {
            seen.Add(value.Type.Value);
            if (value is PolyAgentMessageEvent && !seen.Contains("EVENT_TYPE_USER_MESSAGE"))
            {
                await session.SendMessageAsync("please transfer me");
            }
            else if (value is PolyAgentLeftEvent)
            {
                break;
            }
        }

        var required = seen.IndexOf("EVENT_TYPE_CLIENT_HANDOFF_REQUIRED");
        Assert.True(required >= 0 && required < seen.IndexOf("EVENT_TYPE_POLY_AGENT_LEFT"), string.Join(", ", seen));
        Assert.Contains("EVENT_TYPE_POLY_AGENT_TRIGGERED_HANDOFF", seen);
    }

    [Fact]
    public async Task ChaosEveryEventOnceInOrderAndEveryMessageSettles()
    {
        var faults = new FaultOptions { Seed = 7, DropConnection = 0.04, DuplicateEvent = 0.1, ReorderEvents = 0.1, LoseEcho = 0.1 };
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Faults = faults }, timeoutSeconds: 120);
        await using var session = await ConnectAsync(harness, streaming: true, maxReconnectAttempts: 50);
        const int Turns = 8;
        var (events, messages) = await ConverseAsync(session, Turns, harness);

        AssertExactlyOnceInOrder(events, harness);
        var settled = await Task.WhenAll(messages.Select(m => m.Completion.WaitAsync(harness.Token)));
        // Lost echoes are retried (§2) and re-sent after a reconnect: every message reaches the server.
        Assert.All(settled, status => Assert.Equal(DeliveryStatus.Sent, status));
        Assert.Equal(Turns, messages.Count);
    }

    [Fact]
    public async Task HostileFramesAreRejectedAndTheSessionGoesOn()
    {
        var faults = new FaultOptions { Seed = 3, HostileFrame = 0.6 };
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Faults = faults }, timeoutSeconds: 120);
        await using var session = await ConnectAsync(harness, streaming: true);
        var rejected = new ConcurrentQueue<PolyChatJsonException>();
        session.FrameRejected += (_, error) => rejected.Enqueue(error);
        const int Turns = 4;
        var (events, messages) = await ConverseAsync(session, Turns, harness);

        foreach (var error in rejected)
        {
            output.WriteLine(error.Message);
        }

        // The simulator sends the kinds in turn. Invalid UTF-8 fails the connection (RFC 6455), so the frames
        // queued behind it are lost with the socket; the session reconnects and the replay fills the gap.
        Assert.True(rejected.Count >= 8, $"{rejected.Count} frames rejected");
        Assert.All(
            ["end of data", "lone surrogate", "more than one 'type'", "'sequence' must be an integer", "byte limit", "Binary frame"],
            kind => Assert.Contains(rejected, error => error.Reason.Contains(kind, StringComparison.Ordinal)));
        Assert.DoesNotContain(events, e => e.Id is { } id && id.StartsWith("hostile-", StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => e is UnknownEvent or SessionEndEvent);
        AssertExactlyOnceInOrder(events, harness);
        var settled = await Task.WhenAll(messages.Select(m => m.Completion.WaitAsync(harness.Token)));
        Assert.All(settled, status => Assert.Equal(DeliveryStatus.Sent, status));
        Assert.Equal(Turns, messages.Count);
    }

    [Fact]
    public async Task FramesWaitForTheFirstReadSoHandlersSubscribedLateMissNothing()
    {
        // Every live event is preceded by a hostile frame, the truncated one first.
        var faults = new FaultOptions { Seed = 1, HostileFrame = 1 };
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Faults = faults });
        await using var session = await ConnectAsync(harness, streaming: false);
        // The application reads late: that wait is the thing under test, not a wait for something to happen. Once
        // the server has the socket open its frames are on their way and nothing is subscribed yet. A correct client
        // passes whatever the length (the frames wait for the first read); the length only gives a client that
        // handled frames eagerly the time to lose the first rejection.
        await Scripted.Waits.UntilAsync(() => harness.Simulator.Sessions.Single().OpenSockets == 1, "the socket");
        await Task.Delay(300, harness.Token);
        var rejected = new ConcurrentQueue<PolyChatJsonException>();
        session.FrameRejected += (_, error) => rejected.Enqueue(error);

        await foreach (var value in session.ReadEventsAsync(harness.Token))
        {
            if (value is PolyAgentMessageEvent)
            {
                break;
            }
        }

        Assert.True(rejected.TryPeek(out var first), "No frame was rejected.");
        Assert.Contains("end of data", first.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHandlerHoldingTheReceiveLoopThroughDisposalBreaksNothing()
    {
        // The first live event comes after a malformed frame. Its handler holds the receive loop while the
        // session is disposed: nothing may wait on the loop meanwhile (handlers run outside the receive lock,
        // which the gap timer takes every quarter second), and when the handler returns, the loop's next
        // receive meets a socket that disposal has already aborted, which must end the loop quietly.
        var faults = new FaultOptions { Seed = 5, HostileFrame = 1 };
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Faults = faults });
        var session = await ConnectAsync(harness, streaming: false);
        var inHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        session.FrameRejected += (_, _) =>
        {
            inHandler.TrySetResult();
            release.Wait(harness.Token);
        };
        var reading = Task.Run(async () =>
        {
            await foreach (var value in session.ReadEventsAsync(harness.Token))
            {
            }
        });

        await inHandler.Task.WaitAsync(harness.Token);
        var disposing = session.DisposeAsync().AsTask();
        // Disposal aborts the socket without waiting on the held loop: the server sees it close.
        await Scripted.Waits.UntilAsync(() => harness.Simulator.Sessions.Single().OpenSockets == 0, "disposal to abort the socket");
        release.Set();

        await disposing.WaitAsync(harness.Token);
        await reading.WaitAsync(harness.Token);
    }

    [Fact]
    public async Task AStreamedReplyPastTheTextLimitIsReportedAsAbandonedAndTheSessionGoesOn()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var session = await ConnectAsync(harness, streaming: true, assembly: new StreamAssemblyOptions { MaxTextLength = 8 });
        var abandoned = new ConcurrentQueue<AbandonedMessage>();
        var greetingAbandoned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var replyAbandoned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.MessageAbandoned += (_, report) =>
        {
            abandoned.Enqueue(report);
            (abandoned.Count == 1 ? greetingAbandoned : replyAbandoned).TrySetResult();
        };

        // Subscribed before the first read, so nothing is missed. The greeting and the reply are both longer
        // than 8 chars: each is given up, and the session goes on.
        var events = new List<Event>();
        var reading = Task.Run(async () =>
        {
            await foreach (var value in session.ReadEventsAsync(harness.Token))
            {
                events.Add(value);
            }
        });
        await greetingAbandoned.Task.WaitAsync(harness.Token);
        var sent = await session.SendMessageAsync("Where is my order?");
        Assert.Equal(DeliveryStatus.Sent, await sent.Completion.WaitAsync(harness.Token));
        await replyAbandoned.Task.WaitAsync(harness.Token);
        await session.EndAsync();
        await reading;

        Assert.Equal(2, abandoned.Count);
        Assert.All(abandoned, report =>
        {
            Assert.Equal(AbandonReason.TextTooLong, report.Reason);
            Assert.False(report.Message.IsComplete);
            Assert.True(report.Message.TextLength <= 8, $"{report.Message.TextLength} chars kept");
            Assert.Contains(events, e => e is PolyAgentMessageChunkEvent chunk && chunk.Payload.MessageId == report.Message.MessageId);
        });
        Assert.DoesNotContain(events, e => e is PolyAgentMessageEvent);
        Assert.Contains(events, e => e is SessionEndEvent);
    }

    [Fact]
    public async Task RefusedHandshakeIsATypedErrorWithoutTheToken()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var options = new SessionOptions
        {
            WebSocketAddress = harness.Simulator.WebSocketAddress,
            SessionId = Guid.NewGuid().ToString(),
            AccessToken = new AccessToken("secret-token-value", TimeSpan.FromHours(1)),
        };

        var error = await Assert.ThrowsAsync<PolyChatApiException>(() => PolyChatSession.ConnectAsync(options, harness.Token));
        Assert.True(error.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, $"{error.StatusCode}");
        Assert.DoesNotContain("secret-token-value", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-value", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-value", options.AccessToken.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestErrorsCarryTheServersMessage()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var rest = new PolyChatRestClient(harness.Http, harness.Simulator.BaseAddress);

        var error = await Assert.ThrowsAsync<PolyChatApiException>(() => rest.GetAccessTokenAsync("wrong", SimulatorHarness.Host, harness.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("Connector token does not exist", error.ServerMessage);
    }

    [Theory]
    [InlineData("ws://chat.example.org/ws")]
    [InlineData("http://127.0.0.1/ws")]
    public void PlainSocketsAreOnlyForLoopback(string address)
    {
        // Ours: refused where the address is set, naming the property.
        var error = Assert.Throws<ArgumentException>(() => new SessionOptions
        {
            WebSocketAddress = new Uri(address),
            SessionId = "s",
            AccessToken = new AccessToken("t", TimeSpan.FromHours(1)),
        });
        Assert.Equal(nameof(SessionOptions.WebSocketAddress), error.ParamName);
    }

    [Fact]
    public async Task OversizedMessagesFailBeforeSending()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var session = await ConnectAsync(harness, streaming: false);

        var pending = session.Deliveries.PendingCount;
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await session.SendMessageAsync(new string('x', 200_000)));
        Assert.Contains("max_message_size_bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(pending, session.Deliveries.PendingCount);

        // Nothing reached the server: a typing frame sent after it is the barrier, and the server saw no oversized
        // frame and no user message before it.
        Assert.True(await session.SendTypingAsync(true, harness.Token));
        var server = harness.Simulator.Sessions.Single();
        await Scripted.Waits.UntilAsync(() => server.ReceivedFrames.Any(f => f.Type == "EVENT_TYPE_USER_TYPING"), "the typing barrier");
        Assert.DoesNotContain(server.ReceivedFrames, f => f.Flags.HasFlag(ClientFrameFlags.Oversized) || f.Type == "EVENT_TYPE_USER_MESSAGE");
    }

    private static async Task<PolyChatSession> ConnectAsync(
        SimulatorHarness harness, bool streaming, int maxReconnectAttempts = 5, StreamAssemblyOptions? assembly = null)
    {
        var (token, sessionId) = await ClientSessions.CreateAsync(harness, streaming);
        return await PolyChatSession.ConnectAsync(
            ClientSessions.Fast(harness.Simulator.WebSocketAddress, sessionId, token, maxReconnectAttempts, streaming: assembly),
            harness.Token);
    }

    /// <summary>Answers each complete agent reply with a message, <paramref name="turns"/> times, and returns after the reply to the last.</summary>
    private static async Task<(List<Event> Events, List<TrackedMessage> Messages)> ConverseAsync(PolyChatSession session, int turns, SimulatorHarness harness)
    {
        var events = new List<Event>();
        var messages = new List<TrackedMessage>();
        await foreach (var value in session.ReadEventsAsync(harness.Token))
        {
            events.Add(value);
            var replies = events.OfType<PolyAgentMessageEvent>().Count();
            if (value is PolyAgentMessageEvent && messages.Count < turns && messages.Count < replies)
            {
                messages.Add(await session.SendMessageAsync($"message {messages.Count}"));
            }
            else if (value is PolyAgentMessageEvent && replies > turns)
            {
                break;
            }
        }

        return (events, messages);
    }

    /// <summary>
    /// Each event once, in order, nothing missing (§1b: dedupe by id, order by sequence): the events the app got
    /// with a sequence are the simulator's journal, in sequence order, up to the last one delivered. Echoes of a
    /// re-sent message are the exception: the server journals one per attempt, and the app gets exactly one of them
    /// (the duplicates are delivery updates only). Assembled replies carry no sequence and are left out.
    /// </summary>
    private static void AssertExactlyOnceInOrder(IReadOnlyList<Event> events, SimulatorHarness harness)
    {
        var delivered = events.Where(e => e.Sequence is not null).ToList();
        Assert.NotEmpty(delivered);
        var sequences = delivered.Select(e => e.Sequence!.Value).ToList();
        Assert.Equal(sequences.Order(), sequences);
        var last = sequences[^1];
        var journal = harness.Simulator.Sessions.Single().Journal.Where(e => e.Sequence is { } sequence && sequence <= last).ToList();

        Assert.Equal(
            journal.Where(e => e is not UserMessageEvent).Select(e => $"{e.Sequence}:{e.Id}"),
            delivered.Where(e => e is not UserMessageEvent).Select(e => $"{e.Sequence}:{e.Id}"));
        var journaledEchoes = journal.OfType<UserMessageEvent>().ToLookup(ClientEventId);
        var deliveredEchoes = delivered.OfType<UserMessageEvent>().ToList();
        Assert.Equal(journaledEchoes.Select(g => g.Key).Order(), deliveredEchoes.Select(ClientEventId).Order());
        Assert.All(deliveredEchoes, echo => Assert.Contains(echo.Id, journaledEchoes[ClientEventId(echo)].Select(e => e.Id)));
    }

    private static string? ClientEventId(Event echo) =>
        echo.Metadata?.Custom?.TryGetValue(DeliveryTracker.ClientEventIdKey, out var id) == true ? id : null;
}
