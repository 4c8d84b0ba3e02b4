using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Sequencing;
using Xunit;
using static PolyChat.Protocol.Tests.TestIds;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// <c>EventSequencer.Remember</c>, which a durable session uses to seed the id windows with the events an earlier
/// process delivered: a sequenced id goes into the delivered window, a transient one into the transient window, an
/// empty id nowhere, and an id already remembered is not added again.
/// </summary>
public class SequencerRememberTests
{
    [Fact]
    public void ARememberedSequencedIdDropsASequencedCopyButNotATransientOne()
    {
        var sequencer = Create();
        sequencer.Remember(Uuid(1), sequenced: true);

        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(1), 1, "a"));
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(1), null, "t"));

        Assert.Equal("t:t", sequencer.Drain().Render());
        Assert.Equal(0, sequencer.Cursor);
    }

    [Fact]
    public void ARememberedTransientIdDropsATransientCopyButNotASequencedOne()
    {
        var sequencer = Create();
        sequencer.Remember(Uuid(1), sequenced: false);

        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(1), null, "t"));
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(1), 1, "a"));

        Assert.Equal("1", sequencer.Drain().Render());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnEmptyIdIsNotRememberedSoItTakesNoRoomInTheWindow(bool sequenced)
    {
        // A window of one: had the empty id been added, it would have pushed the remembered id out.
        var sequencer = Create(new SequencerOptions { DeliveredIdWindow = 1, TransientIdWindow = 1 });
        sequencer.Remember(Uuid(1), sequenced);
        sequencer.Remember(default, sequenced);

        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(1), sequenced ? 1 : null, "a"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RememberingAnIdTwiceKeepsOneEntryAndTheWindowStillForgetsTheOldest(bool sequenced)
    {
        var sequencer = Create(new SequencerOptions { DeliveredIdWindow = 2, TransientIdWindow = 2 });
        sequencer.Remember(Uuid(1), sequenced);
        sequencer.Remember(Uuid(1), sequenced);
        sequencer.Remember(Uuid(2), sequenced);

        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(1), sequenced ? 1 : null, "a"));
        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(2), sequenced ? 1 : null, "b"));

        sequencer.Remember(Uuid(3), sequenced);
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(1), sequenced ? 1 : null, "a"));
    }

    private static EventSequencer<string> Create(SequencerOptions? options = null) =>
        new(options ?? new SequencerOptions(), new FakeTimeProvider());
}
