using System;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Sequencing;
using Xunit;
using static PolyChat.Protocol.Tests.TestIds;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// Edges of the sequencer that mutation testing found unchecked: what a dropped event still does, the moment a held
/// event is released by an older one's timeout, paused timeouts, partial skips, and the value types' own rules.
/// </summary>
public class SequencerEdgeTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void ADroppedDuplicateStillReleasesWhatHasTimedOut()
    {
        var sequencer = Create(new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(10) });
        sequencer.Offer(Uuid(2), 2, "b");
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(2), 2, "b"));

        Assert.Equal("gap 1..1 Timeout, 2", sequencer.Drain().Render());
        Assert.Equal(2, sequencer.Cursor);
    }

    [Fact]
    public void AnEventHeldAndReleasedByTheSameOfferIsReportedReady()
    {
        // 3 waits past the timeout; 4 arrives, is held behind the hole at 1..2, and the same call's expiry check
        // declares that hole and releases 3 and then 4: for the caller, 4 is ready.
        var sequencer = Create(new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(10) });
        sequencer.Offer(Uuid(3), 3, "c");
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(4), 4, "d"));

        Assert.Equal("gap 1..2 Timeout, 3, 4", sequencer.Drain().Render());
    }

    [Fact]
    public void PausedTimeoutsDeclareNothingAndResumingRestartsEveryWait()
    {
        var sequencer = Create(new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(10) });
        sequencer.Offer(Uuid(3), 3, "c");
        sequencer.PauseTimeouts();
        _time.Advance(TimeSpan.FromSeconds(60));
        sequencer.Poll();
        Assert.Empty(sequencer.Drain());

        sequencer.ResumeTimeouts();
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        sequencer.Poll();
        Assert.Empty(sequencer.Drain());

        _time.Advance(TimeSpan.FromTicks(1));
        sequencer.Poll();
        Assert.Equal("gap 1..2 Timeout, 3", sequencer.Drain().Render());
    }

    [Fact]
    public void ResumingTimeoutsThatWereNotPausedRestartsNoWait()
    {
        var sequencer = Create(new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(10) });
        sequencer.Offer(Uuid(3), 3, "c");
        _time.Advance(TimeSpan.FromSeconds(9));

        sequencer.ResumeTimeouts();
        _time.Advance(TimeSpan.FromSeconds(1));
        sequencer.Poll();

        Assert.Equal("gap 1..2 Timeout, 3", sequencer.Drain().Render());
    }

    [Fact]
    public void SkippingThroughASequenceCountsOnlyTheNumbersSkipped()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(3), 3, "c");
        sequencer.Offer(Uuid(6), 6, "f");

        Assert.Equal(2, sequencer.SkipAbsentThrough(4));

        Assert.Equal("gap 1..2 NotInReplay, 3", sequencer.Drain().Render());
        Assert.Equal(3, sequencer.Cursor);
        Assert.Equal(1, sequencer.HeldCount);
    }

    [Fact]
    public void TheLowestHeldSequenceIsTheTopOfTheLowestHole()
    {
        var sequencer = Create();
        Assert.Equal(0, sequencer.LowestHeld);

        sequencer.Offer(Uuid(7), 7, "g");
        sequencer.Offer(Uuid(4), 4, "d");

        Assert.Equal(4, sequencer.LowestHeld);
    }

    [Fact]
    public void ResetWithEventsHeldSaysToFlushFirst()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(2), 2, "b");

        var error = Assert.Throws<InvalidOperationException>(() => sequencer.Reset(5));

        Assert.Contains("Flush", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyDuplicateAndStaleDropsCanBeCounted()
    {
        var sequencer = Create();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => sequencer.CountDropped(SequencerCheck.Accept));

        Assert.Equal("check", error.ParamName);
        Assert.Contains("duplicate and stale", error.Message, StringComparison.Ordinal);
        Assert.Equal(new SequencerCounters(0, 0, 0, 0, 0, 0), sequencer.Counters);
    }

    [Fact]
    public void ReadingTheWrongKindOfOutputSaysWhichKindItIs()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(1), 1, "a");
        Assert.True(sequencer.TryTake(out SequencerOutput<string> output));

        var error = Assert.Throws<InvalidOperationException>(() => output.Gap);

        Assert.Contains("Event", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gap", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GapReason.HeldLimit)]
    [InlineData(GapReason.Timeout)]
    [InlineData(GapReason.Flush)]
    [InlineData(GapReason.NotInReplay)]
    [InlineData(GapReason.RepairFailed)]
    public void EveryDefinedGapReasonIsAccepted(GapReason reason) =>
        Assert.Equal(reason, new SequenceGap(1, 2, reason).Reason);

    [Fact]
    public void AnUndefinedGapReasonIsRefusedByName()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceGap(1, 1, GapReason.RepairFailed + 1));

        Assert.Equal("reason", error.ParamName);
        Assert.Contains("GapReason", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GapsAreEqualOnlyWhenRangeAndReasonAllAgree()
    {
        var gap = new SequenceGap(2, 4, GapReason.Flush);

        Assert.True(gap == new SequenceGap(2, 4, GapReason.Flush));
        Assert.False(gap != new SequenceGap(2, 4, GapReason.Flush));
        Assert.True(gap != new SequenceGap(3, 4, GapReason.Flush));
        Assert.True(gap != new SequenceGap(2, 5, GapReason.Flush));
        Assert.True(gap != new SequenceGap(2, 4, GapReason.Timeout));
        Assert.False(gap.Equals(new SequenceGap(1, 4, GapReason.Timeout)));
    }

    [Fact]
    public void CompactingTheArrivalsKeepsTheOldestLiveArrivalFirst()
    {
        // 100 and 101 wait behind a hole; 2..33 arrive and are released by 1, leaving 32 dead arrival entries, so
        // 200's arrival compacts the queue. 100, the oldest, must still time out first, 10 s after it arrived.
        var sequencer = Create(new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(10) });
        sequencer.Offer(Uuid(100), 100, "x");
        _time.Advance(TimeSpan.FromSeconds(1));
        sequencer.Offer(Uuid(101), 101, "x");
        _time.Advance(TimeSpan.FromSeconds(1));
        for (long sequence = 2; sequence <= 33; sequence++)
        {
            Assert.Equal(SequencerDecision.Held, sequencer.Offer(Uuid(sequence), sequence, "x"));
        }

        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(1), 1, "x"));
        Assert.Equal(33, sequencer.Drain().Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SequencerDecision.Held, sequencer.Offer(Uuid(200), 200, "x"));

        _time.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromTicks(1));
        sequencer.Poll();
        Assert.Empty(sequencer.Drain());

        _time.Advance(TimeSpan.FromTicks(1));
        sequencer.Poll();
        Assert.Equal("gap 34..99 Timeout, 100, 101", sequencer.Drain().Render());

        _time.Advance(TimeSpan.FromSeconds(3));
        sequencer.Poll();
        Assert.Equal("gap 102..199 Timeout, 200", sequencer.Drain().Render());
    }

    [Fact]
    public void ResumingTimeoutsWithNothingHeldDoesNothing()
    {
        var sequencer = Create(new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(10) });
        sequencer.PauseTimeouts();
        sequencer.ResumeTimeouts();

        // And after events were held and released, which empties the arrival queue.
        sequencer.Offer(Uuid(2), 2, "b");
        sequencer.Offer(Uuid(1), 1, "a");
        sequencer.PauseTimeouts();
        sequencer.ResumeTimeouts();
        Assert.Equal("1, 2", sequencer.Drain().Render());

        sequencer.Offer(Uuid(4), 4, "d");
        _time.Advance(TimeSpan.FromSeconds(10));
        sequencer.Poll();
        Assert.Equal("gap 3..3 Timeout, 4", sequencer.Drain().Render());
    }

    private EventSequencer<string> Create(SequencerOptions? options = null) =>
        new(options ?? new SequencerOptions(), _time);
}
