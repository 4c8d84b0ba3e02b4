using System.Threading.Tasks;
using PolyChat.Protocol.Events;
using PolyChat.Simulator.Tests.Support;
using Xunit;

namespace PolyChat.Simulator.Tests;

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

    private static async Task AssertStillOpenAsync(SimulatorHarness harness, ChatSocket socket)
    {
        await socket.SendAsync(Frames.Heartbeat, harness.Token);
        Assert.IsType<HeartbeatEvent>(await socket.ReceiveLiveAsync(harness.Token));
    }
}
