using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests;

public sealed class ReplayTests
{
    [Theory]
    [InlineData("{0}")]
    [InlineData("seq:{0}")]
    public async Task ReconnectWithCursorReplaysExactlyTheMissedEvents(string cursorFormat)
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await harness.NewSessionAsync();
        long cursor;
        await using (var socket = await harness.ConnectAsync(sessionId, token))
        {
            await socket.ReceiveBatchAsync(harness.Token);
            await socket.SendAsync(Frames.Join, harness.Token);
            var seen = await socket.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);
            cursor = seen.Max(e => e.Sequence!.Value);
        }

        // Events published while no socket is open: only the journal has them.
        await using (var writer = await harness.ConnectAsync(sessionId, token, cursor.ToString(CultureInfo.InvariantCulture)))
        {
            Assert.Empty(await writer.ReceiveBatchAsync(harness.Token));
            await writer.SendAsync(Frames.UserMessage("missed"), harness.Token);
            await writer.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);
        }

        await using var reconnected = await harness.ConnectAsync(sessionId, token, string.Format(CultureInfo.InvariantCulture, cursorFormat, cursor));
        var replay = await reconnected.ReceiveBatchAsync(harness.Token);

        Assert.Equal(new[] { cursor + 1, cursor + 2, cursor + 3 }, replay.Select(e => e.Sequence!.Value));
        Assert.Collection(
            replay,
            e => Assert.Equal("missed", Assert.IsType<UserMessageEvent>(e).Payload.Text),
            e => Assert.IsType<PolyAgentThinkingEvent>(e),
            e => Assert.Equal("You said: missed", Assert.IsType<PolyAgentMessageEvent>(e).Payload.Text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("garbage")]
    [InlineData("-3")]
    public async Task MissingOrUnparseableCursorReplaysFullHistory(string? cursor)
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await harness.NewSessionAsync();
        await using (var socket = await harness.ConnectAsync(sessionId, token))
        {
            await socket.ReceiveBatchAsync(harness.Token);
            await socket.SendAsync(Frames.Join, harness.Token);
            await socket.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);
        }

        await using var reconnected = await harness.ConnectAsync(sessionId, token, cursor);
        var replay = await reconnected.ReceiveBatchAsync(harness.Token);

        Assert.Equal([1L, 2L, 3L, 4L, 5L], replay.Select(e => e.Sequence!.Value));
        Assert.IsType<SessionStartEvent>(replay[0]);
    }

    [Fact]
    public async Task TransientTypingIsNotReplayed()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { ScriptedAgent = new() { QueueStatusCount = 0 } });
        var (token, sessionId) = await harness.NewSessionAsync();
        await using (var socket = await harness.ConnectAsync(sessionId, token))
        {
            await socket.ReceiveBatchAsync(harness.Token);
            await socket.SendAsync(Frames.Join, harness.Token);
            await socket.SendAsync(Frames.UserMessage("get me an agent"), harness.Token);
            await socket.ReceiveUntilAsync(e => e is LiveAgentJoinedEvent, harness.Token);
            await socket.SendAsync(Frames.UserMessage("hello human"), harness.Token);
            var live = await socket.ReceiveUntilAsync(e => e is LiveAgentMessageEvent, harness.Token);
            var typing = Assert.Single(live.OfType<LiveAgentTypingEvent>());
            Assert.Null(typing.Sequence);
        }

        await using var reconnected = await harness.ConnectAsync(sessionId, token);
        var replay = await reconnected.ReceiveBatchAsync(harness.Token);

        Assert.DoesNotContain(replay, e => e is LiveAgentTypingEvent);
        Assert.Equal(Enumerable.Range(1, replay.Count).Select(i => (long)i), replay.Select(e => e.Sequence!.Value));
    }
}
