using System.Linq;
using System.Text;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests;

public sealed class ConversationTests
{
    [Fact]
    public async Task FirstBatchOfNewSessionIsSessionStartWithCapabilities()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await harness.NewSessionAsync(streaming: true);
        await using var socket = await harness.ConnectAsync(sessionId, token);

        var batch = await socket.ReceiveBatchAsync(harness.Token);

        var start = Assert.IsType<SessionStartEvent>(Assert.Single(batch));
        Assert.Equal(1, start.Sequence);
        Assert.NotNull(start.Id);
        Assert.NotNull(start.Timestamp);
        Assert.Equal(true, start.Payload.Capabilities!.Streaming);
        Assert.Equal(131072, start.Payload.Capabilities.MaxMessageSizeBytes);
        Assert.Equal(30, start.Payload.Capabilities.HeartbeatIntervalSeconds);
        Assert.Equal(5, start.Payload.Capabilities.MaxReconnectAttempts);
    }

    [Fact]
    public async Task JoinIsEchoedThenJoinedThinkingGreetingWithIncreasingSequences()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await harness.ConnectNewAsync();

        await socket.SendAsync(Frames.Join, harness.Token);
        var events = await socket.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);

        Assert.Collection(
            events,
            e => Assert.IsType<RequestPolyAgentJoinEvent>(e),
            e => Assert.Equal("Simulated Agent", Assert.IsType<PolyAgentJoinedEvent>(e).Payload.AgentName),
            e => Assert.IsType<PolyAgentThinkingEvent>(e),
            e => Assert.Equal(new ScriptedAgentOptions().Greeting, Assert.IsType<PolyAgentMessageEvent>(e).Payload.Text));
        Assert.Equal([2L, 3L, 4L, 5L], events.Select(e => e.Sequence!.Value));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task UserMessageIsEchoedWithMessageIdAndMetadataThenAnswered()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await harness.ConnectGreetedAsync();

        await socket.SendAsync(Frames.UserMessage("where is my order", "cid-1"), harness.Token);
        var events = await socket.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);

        var echo = Assert.IsType<UserMessageEvent>(events[0]);
        Assert.Equal("where is my order", echo.Payload.Text);
        Assert.False(string.IsNullOrEmpty(echo.Payload.MessageId));
        Assert.Equal("cid-1", echo.Metadata!.Custom!["client_event_id"]);
        Assert.IsType<PolyAgentThinkingEvent>(events[1]);
        Assert.Equal("You said: where is my order", Assert.IsType<PolyAgentMessageEvent>(events[2]).Payload.Text);
    }

    [Fact]
    public async Task StreamedReplyChunksConcatenateToTheReply()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { StreamingChunkSize = 5 });
        await using var socket = await harness.ConnectNewAsync(streaming: true);
        await socket.SendAsync(Frames.Join, harness.Token);
        var greeting = await socket.ReceiveUntilAsync(IsLastChunk, harness.Token);
        Assert.Equal(new ScriptedAgentOptions().Greeting, Concatenate(greeting));

        await socket.SendAsync(Frames.UserMessage("a streamed question"), harness.Token);
        var events = await socket.ReceiveUntilAsync(IsLastChunk, harness.Token);

        var chunks = events.OfType<PolyAgentMessageChunkEvent>().ToList();
        Assert.Equal("You said: a streamed question", Concatenate(events));
        Assert.Equal(Enumerable.Range(1, chunks.Count).Select(i => (long)i), chunks.Select(c => c.Payload.ChunkIndex));
        Assert.Single(chunks.Select(c => c.Payload.MessageId).Distinct());
        Assert.Equal(2, chunks[^1].Payload.ResponseSuggestions!.Count);
        Assert.DoesNotContain(events, e => e is PolyAgentMessageEvent);
    }

    [Fact]
    public async Task UserMessageBeforeJoinIsEchoedThenConversationNotFound()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await harness.ConnectNewAsync();

        await socket.SendAsync(Frames.UserMessage("too early"), harness.Token);

        Assert.IsType<UserMessageEvent>(await socket.ReceiveLiveAsync(harness.Token));
        var error = Assert.IsType<SystemMessageEvent>(await socket.ReceiveLiveAsync(harness.Token));
        Assert.Equal("Error: Conversation not found", error.Payload.Message);
    }

    [Fact]
    public async Task HeartbeatIsEchoed()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await harness.ConnectNewAsync();

        await socket.SendAsync(Frames.Heartbeat, harness.Token);

        Assert.IsType<HeartbeatEvent>(await socket.ReceiveLiveAsync(harness.Token));
    }

    [Fact]
    public async Task LiveEventsReachEverySocketOfTheSession()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await harness.NewSessionAsync();
        await using var first = await harness.ConnectAsync(sessionId, token);
        await using var second = await harness.ConnectAsync(sessionId, token);
        await first.ReceiveBatchAsync(harness.Token);
        await second.ReceiveBatchAsync(harness.Token);

        await first.SendAsync(Frames.Join, harness.Token);

        var seenByFirst = await first.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);
        var seenBySecond = await second.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);
        Assert.Equal(seenByFirst.Select(e => e.Id), seenBySecond.Select(e => e.Id));
    }

    private static bool IsLastChunk(Event e) => e is PolyAgentMessageChunkEvent { Payload.IsComplete: true };

    private static string Concatenate(System.Collections.Generic.IEnumerable<Event> events)
    {
        var text = new StringBuilder();
        foreach (var chunk in events.OfType<PolyAgentMessageChunkEvent>())
        {
            text.Append(chunk.Payload.Text);
        }

        return text.ToString();
    }
}
