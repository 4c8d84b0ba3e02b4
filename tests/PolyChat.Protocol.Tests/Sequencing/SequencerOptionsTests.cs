using System;
using System.Threading;
using PolyChat.Protocol.Sequencing;
using Xunit;

namespace PolyChat.Protocol.Tests;

public class SequencerOptionsTests
{
    [Fact]
    public void DefaultsAreDocumented()
    {
        var options = new SequencerOptions();

        Assert.Equal(0, options.InitialCursor);
        Assert.Equal(1024, options.MaxHeldEvents);
        Assert.Equal(TimeSpan.FromSeconds(5), options.GapTimeout);
        Assert.Equal(1024, options.TransientIdWindow);
        Assert.Equal(1024, options.DeliveredIdWindow);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(SequencerOptions.MaxCapacity + 1)]
    public void CountsOutsideTheRangeAreRejected(int value)
    {
        Assert.Equal("MaxHeldEvents", Assert.Throws<ArgumentOutOfRangeException>(() => new SequencerOptions { MaxHeldEvents = value }).ParamName);
        Assert.Equal("TransientIdWindow", Assert.Throws<ArgumentOutOfRangeException>(() => new SequencerOptions { TransientIdWindow = value }).ParamName);
        Assert.Equal("DeliveredIdWindow", Assert.Throws<ArgumentOutOfRangeException>(() => new SequencerOptions { DeliveredIdWindow = value }).ParamName);
    }

    [Fact]
    public void OtherInvalidValuesAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequencerOptions { InitialCursor = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequencerOptions { GapTimeout = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(-1) });
    }

    [Fact]
    public void LimitValuesAreAccepted()
    {
        var options = new SequencerOptions
        {
            InitialCursor = long.MaxValue,
            MaxHeldEvents = 1,
            TransientIdWindow = SequencerOptions.MaxCapacity,
            DeliveredIdWindow = 1,
            GapTimeout = Timeout.InfiniteTimeSpan,
        };

        var sequencer = new EventSequencer<int>(options);

        Assert.Equal(Timeout.InfiniteTimeSpan, options.GapTimeout);
        Assert.Equal(long.MaxValue, sequencer.Cursor);
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(EventKey.FromString("t"), null, 1));
    }
}
