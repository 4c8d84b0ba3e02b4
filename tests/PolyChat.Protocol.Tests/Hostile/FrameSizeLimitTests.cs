using System;
using System.Text;
using PolyChat.Protocol.Receiving;
using Xunit;

namespace PolyChat.Protocol.Tests.Hostile;

public sealed class FrameSizeLimitTests
{
    [Fact]
    public void AFrameOverTheLimitIsRejectedUnreadAndTheNextOneStillWorks()
    {
        var receiver = new EventReceiver { MaxFrameBytes = 1024 };
        var huge = Encoding.UTF8.GetBytes("{\"id\":\"a\",\"sequence\":1,\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{\"pad\":\"" + new string('x', 2000) + "\"}}");

        Assert.Equal(FrameOutcome.Invalid, receiver.Receive(huge, out var error));
        Assert.Contains("at most 1024", error!.Message, StringComparison.Ordinal);
        Assert.Equal(1, receiver.InvalidFrames);
        Assert.False(receiver.TryTake(out _));

        var small = Encoding.UTF8.GetBytes("{\"id\":\"a\",\"sequence\":1,\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{}}");
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(small, out _));
        Assert.True(receiver.TryTake(out var output));
        Assert.Equal(1, output.Sequence);
    }

    [Fact]
    public void TheDefaultLimitIsOneMebibyteAndTooSmallALimitIsRefused()
    {
        Assert.Equal(1 << 20, new EventReceiver().MaxFrameBytes);
        Assert.Equal(nameof(EventReceiver.MaxFrameBytes), Assert.Throws<ArgumentOutOfRangeException>(() => new EventReceiver { MaxFrameBytes = 10 }).ParamName);
    }

    [Fact]
    public void NestingDeeperThanTheLimitIsATypedError()
    {
        var deep = "{\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{\"x\":" + new string('[', PolyChatJson.MaxDepth) + new string(']', PolyChatJson.MaxDepth) + "}}";
        var error = Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(deep));
        Assert.NotNull(error.Path);
    }
}
