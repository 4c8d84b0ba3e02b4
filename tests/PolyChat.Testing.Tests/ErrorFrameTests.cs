using System.Linq;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests;

public sealed class ErrorFrameTests
{
    [Theory]
    [InlineData("""{"type":"EVENT_TYPE_DANCE","payload":{}}""", "Unknown event type or invalid message format")]
    [InlineData("""{"type":"EVENT_TYPE_USER_MESSAGE","payload":{}}""", "Unknown event type or invalid message format")]
    [InlineData("""{not json""", "Unknown event type or invalid message format")]
    [InlineData("""[1,2]""", "Unknown event type or invalid message format")]
    [InlineData("""{"type":"EVENT_TYPE_HEARTBEAT"}""", "Unknown event type or invalid message format")]
    [InlineData("""{"type":"EVENT_TYPE_HEARTBEAT","payload":null}""", "Unknown event type or invalid message format")]
    [InlineData("""{"type":"EVENT_TYPE_USER_END_SESSION","payload":[]}""", "Unknown event type or invalid message format")]
    [InlineData("""{"type":"EVENT_TYPE_POLY_AGENT_THINKING","payload":{}}""", "Event type not allowed: EVENT_TYPE_POLY_AGENT_THINKING")]
    [InlineData("""{"type":"EVENT_TYPE_SESSION_END","payload":{"reason":"REASON_USER_END"}}""", "Event type not allowed: EVENT_TYPE_SESSION_END")]
    // §6: the documented messages for malformed JSON, unknown types and server-only types; §1a: a payload
    // object is required ("{}" when empty), so a frame without one is an invalid format.
    public async Task BadFrameGetsErrorAndSocketStaysOpen(string frame, string message)
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await harness.ConnectNewAsync();

        await socket.SendAsync(frame, harness.Token);

        var error = Assert.IsType<SystemMessageEvent>(await socket.ReceiveLiveAsync(harness.Token));
        Assert.Equal(SystemMessageLevel.Error, error.Payload.Level);
        Assert.Equal(message, error.Payload.Message);
        await AssertStillOpenAsync(harness, socket);
    }

    [Fact]
    public async Task ErrorEchoesCustomMetadata()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await harness.ConnectNewAsync();

        await socket.SendAsync("""{"type":"EVENT_TYPE_LIVE_AGENT_MESSAGE","payload":{},"metadata":{"custom":{"client_event_id":"x7"}}}""", harness.Token);

        var error = Assert.IsType<SystemMessageEvent>(await socket.ReceiveLiveAsync(harness.Token));
        Assert.Equal("x7", error.Metadata!.Custom!["client_event_id"]);
        Assert.Equal("Event type not allowed: EVENT_TYPE_LIVE_AGENT_MESSAGE", error.Payload.Message);
    }

    [Fact]
    public async Task UnparseableFrameStillEchoesCustomMetadata()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await harness.ConnectNewAsync();

        await socket.SendAsync("""{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":42},"metadata":{"custom":{"client_event_id":"x8"}}}""", harness.Token);

        var error = Assert.IsType<SystemMessageEvent>(await socket.ReceiveLiveAsync(harness.Token));
        Assert.Equal("Unknown event type or invalid message format", error.Payload.Message);
        Assert.Equal("x8", error.Metadata!.Custom!["client_event_id"]);
    }

    [Fact]
    public async Task FrameOverTheLimitIsRejectedAsTooLarge()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { MaxMessageSizeBytes = 1024 });
        await using var socket = await harness.ConnectNewAsync();

        await socket.SendAsync(Frames.UserMessage(new string('x', 2000)), harness.Token);

        var error = Assert.IsType<SystemMessageEvent>(await socket.ReceiveLiveAsync(harness.Token));
        Assert.Equal("Message too large", error.Payload.Message);
        await AssertStillOpenAsync(harness, socket);
    }

    [Fact]
    public async Task FramesOfEverySizeUpToTheLimitArriveWholeBetweenSmallOnes()
    {
        // §5c: frames up to max_message_size_bytes are accepted; the simulator reads an idle socket into a small
        // buffer and borrows a larger one per frame (ours), which must not cut, mix or keep frames.
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await harness.ConnectNewAsync();
        var texts = new[] { "a", new string('b', 5000), "c", new string('d', 120_000), "e", new string('f', 9000) };
        foreach (var (text, index) in texts.Select((text, index) => (text, index)))
        {
            await socket.SendAsync(Frames.UserMessage(text, $"size-{index}"), harness.Token);
            // Without a joined agent each message also draws "Conversation not found" (§6); only the echo matters here.
            var frames = await socket.ReceiveUntilAsync(e => e is UserMessageEvent, harness.Token);
            Assert.DoesNotContain(frames, e => e is SystemMessageEvent { Payload.Message: "Message too large" });
            var echo = (UserMessageEvent)frames[^1];
            Assert.Equal(text, echo.Payload.Text);
            Assert.Equal($"size-{index}", echo.Metadata!.Custom!["client_event_id"]);
        }

        await socket.SendAsync(Frames.UserMessage(new string('g', 140_000)), harness.Token);
        await socket.ReceiveUntilAsync(e => e is SystemMessageEvent { Payload.Message: "Message too large" }, harness.Token);
        await socket.SendAsync(Frames.UserMessage("h", "size-last"), harness.Token);
        var last = (UserMessageEvent)(await socket.ReceiveUntilAsync(e => e is UserMessageEvent, harness.Token))[^1];
        Assert.Equal("h", last.Payload.Text);
    }

    private static async Task AssertStillOpenAsync(SimulatorHarness harness, ChatSocket socket)
    {
        await socket.SendAsync(Frames.Heartbeat, harness.Token);
        Assert.IsType<HeartbeatEvent>(await socket.ReceiveLiveAsync(harness.Token));
    }
}
