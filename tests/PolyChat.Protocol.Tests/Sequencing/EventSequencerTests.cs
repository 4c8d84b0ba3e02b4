using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Sequencing;
using Xunit;
using static PolyChat.Protocol.Tests.TestIds;

namespace PolyChat.Protocol.Tests;

public class EventSequencerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void InOrderEventsAreDeliveredAtOnce()
    {
        var sequencer = Create();

        for (long sequence = 1; sequence <= 5; sequence++)
        {
            Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(sequence), sequence, $"e{sequence}"));
            Assert.True(sequencer.TryTake(out SequencerOutput<string> output));
            Assert.Equal(SequencerOutputKind.Event, output.Kind);
            Assert.Equal($"e{sequence}", output.Event);
            Assert.Equal(sequence, output.Sequence);
            Assert.False(sequencer.TryTake(out _));
        }

        Assert.Equal(5, sequencer.Cursor);
        Assert.Equal(new SequencerCounters(5, 0, 0, 0, 0, 0), sequencer.Counters);
    }

    [Fact]
    public void SameIdTwiceIsDuplicate()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(1), 1, "a");

        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(1), 1, "a again"));
        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(1), 2, "same id, next sequence"));
        Assert.Equal("1", sequencer.Drain().Render());
        Assert.Equal(2, sequencer.Counters.DuplicatesDropped);
        Assert.Equal(1, sequencer.Cursor);
    }

    [Fact]
    public void CopiesOfAHeldEventAreDuplicates()
    {
        var sequencer = Create();
        Assert.Equal(SequencerDecision.Held, sequencer.Offer(Uuid(3), 3, "c"));

        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(3), 3, "same id"));
        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(99), 3, "same sequence, other id"));
        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(default, 3, "same sequence, no id"));
        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(3), 4, "same id, other sequence"));
        Assert.Equal(1, sequencer.HeldCount);

        sequencer.Offer(Uuid(1), 1, "a");
        sequencer.Offer(Uuid(2), 2, "b");
        Assert.Equal("1, 2, 3", sequencer.Drain().Render());
        Assert.Equal(4, sequencer.Counters.DuplicatesDropped);
    }

    [Fact]
    public void EventsAtOrBelowTheCursorAreStale()
    {
        var sequencer = Create(new SequencerOptions { DeliveredIdWindow = 2 });
        for (long sequence = 1; sequence <= 4; sequence++)
        {
            sequencer.Offer(Uuid(sequence), sequence, "x");
        }

        Assert.Equal(SequencerDecision.Stale, sequencer.Offer(default, 4, "no id"));
        Assert.Equal(SequencerDecision.Stale, sequencer.Offer(Uuid(100), 2, "new id, old sequence"));

        // Ids 1 and 2 fell out of the two-id window, so the copy is caught by its sequence instead.
        Assert.Equal(SequencerDecision.Stale, sequencer.Offer(Uuid(1), 1, "forgotten id"));
        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(4), 4, "remembered id"));
        Assert.Equal(SequencerDecision.Stale, sequencer.Offer(default, 0, "zero"));
        Assert.Equal(SequencerDecision.Stale, sequencer.Offer(default, -7, "negative"));
        Assert.Equal(5, sequencer.Counters.StaleDropped);
    }

    [Fact]
    public void HeldEventsAreReleasedInOrderWhenTheGapFills()
    {
        var sequencer = Create();

        Assert.Equal(SequencerDecision.Held, sequencer.Offer(Uuid(4), 4, "d"));
        Assert.Equal(SequencerDecision.Held, sequencer.Offer(Uuid(2), 2, "b"));
        Assert.Equal(SequencerDecision.Held, sequencer.Offer(Uuid(6), 6, "f"));
        Assert.Empty(sequencer.Drain());
        Assert.Equal(3, sequencer.HeldCount);

        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(1), 1, "a"));
        Assert.Equal("1, 2", sequencer.Drain().Render());

        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(3), 3, "c"));
        Assert.Equal("3, 4", sequencer.Drain().Render());
        Assert.Equal(1, sequencer.HeldCount);

        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(default, 5, "e"));
        Assert.Equal("5, 6", sequencer.Drain().Render());
        Assert.Equal(6, sequencer.Cursor);
        Assert.Equal(0, sequencer.HeldCount);
        Assert.Equal(3, sequencer.Counters.MaxHeld);
    }

    [Fact]
    public void TransientEventsAreDeliveredAtOnceAheadOfHeldEvents()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(2), 2, "b");

        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(500), null, "typing"));
        Assert.True(sequencer.TryTake(out SequencerOutput<string> output));
        Assert.Equal("typing", output.Event);
        Assert.Null(output.Sequence);
        Assert.Equal(0, sequencer.Cursor);
        Assert.Equal(1, sequencer.HeldCount);
    }

    [Fact]
    public void TransientIdsAreDeduplicatedWithinTheWindow()
    {
        var sequencer = Create(new SequencerOptions { TransientIdWindow = 2 });

        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(1), null, "a"));
        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(1), null, "a again"));
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(2), null, "b"));
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(3), null, "c"));

        // The window holds two ids: "a" was forgotten when "c" arrived, "b" and "c" are remembered.
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(1), null, "a, forgotten"));
        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(3), null, "c again"));
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(default, null, "no id"));
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(default, null, "no id"));

        Assert.Equal("t:a, t:b, t:c, t:a, forgotten, t:no id, t:no id", sequencer.Drain().Render());
        Assert.Equal(2, sequencer.Counters.DuplicatesDropped);
    }

    [Fact]
    public void TransientAndPermanentIdsAreRememberedSeparately()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(1), null, "transient");

        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(1), 1, "permanent"));
    }

    [Fact]
    public void InitialCursorSetsTheFirstExpectedSequence()
    {
        var sequencer = Create(new SequencerOptions { InitialCursor = 10 });

        Assert.Equal(10, sequencer.Cursor);
        Assert.Equal(SequencerDecision.Stale, sequencer.Offer(Uuid(10), 10, "replayed"));
        Assert.Equal(SequencerDecision.Held, sequencer.Offer(Uuid(12), 12, "ahead"));
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(11), 11, "next"));
        Assert.Equal("11, 12", sequencer.Drain().Render());
    }

    [Fact]
    public void HeldLimitDeclaresTheLowestGapAndReleasesWhatFollows()
    {
        var sequencer = Create(new SequencerOptions { MaxHeldEvents = 3 });
        sequencer.Offer(Uuid(3), 3, "c");
        sequencer.Offer(Uuid(4), 4, "d");
        sequencer.Offer(Uuid(6), 6, "f");

        Assert.Equal(SequencerDecision.Held, sequencer.Offer(Uuid(9), 9, "i"));

        Assert.Equal("gap 1..2 HeldLimit, 3, 4", sequencer.Drain().Render());
        Assert.Equal(4, sequencer.Cursor);
        Assert.Equal(2, sequencer.HeldCount);
        Assert.Equal(3, sequencer.Counters.MaxHeld);
        Assert.Equal(SequencerDecision.Stale, sequencer.Offer(Uuid(2), 2, "late"));
    }

    [Fact]
    public void HeldLimitCanDeliverTheOfferedEventWhenItIsTheLowest()
    {
        var sequencer = Create(new SequencerOptions { MaxHeldEvents = 2 });
        sequencer.Offer(Uuid(5), 5, "e");
        sequencer.Offer(Uuid(6), 6, "f");

        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(3), 3, "c"));
        Assert.Equal("gap 1..2 HeldLimit, 3", sequencer.Drain().Render());
        Assert.Equal(2, sequencer.HeldCount);

        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(4), 4, "d"));
        Assert.Equal("4, 5, 6", sequencer.Drain().Render());
    }

    [Fact]
    public void HeldLimitReleaseCanMakeTheOfferedEventNext()
    {
        var sequencer = Create(new SequencerOptions { MaxHeldEvents = 2 });
        sequencer.Offer(Uuid(5), 5, "e");
        sequencer.Offer(Uuid(6), 6, "f");

        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(7), 7, "g"));
        Assert.Equal("gap 1..4 HeldLimit, 5, 6, 7", sequencer.Drain().Render());
        Assert.Equal(0, sequencer.HeldCount);
    }

    [Fact]
    public void GapTimesOutAfterGapTimeout()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(3), 3, "c");

        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        sequencer.Poll();
        Assert.Empty(sequencer.Drain());

        _time.Advance(TimeSpan.FromTicks(1));
        sequencer.Poll();
        Assert.Equal("gap 1..2 Timeout, 3", sequencer.Drain().Render());
        Assert.Equal(1, sequencer.Counters.GapsDeclared);
    }

    [Fact]
    public void OfferChecksTheTimeoutAfterJudgingTheOfferedEvent()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(4), 4, "d");
        _time.Advance(TimeSpan.FromSeconds(6));

        // The late event is judged first, against the cursor it would have seen, and delivered.
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(2), 2, "b"));
        Assert.Equal("gap 1..1 Timeout, 2, gap 3..3 Timeout, 4", sequencer.Drain().Render());
    }

    [Fact]
    public void TheLongestHeldEventSetsTheTimeout()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(10), 10, "j");
        _time.Advance(TimeSpan.FromSeconds(3));
        sequencer.Offer(Uuid(5), 5, "e");
        sequencer.Offer(Uuid(20), 20, "t");
        _time.Advance(TimeSpan.FromSeconds(2));

        // Event 10 has waited 5 s: everything below it goes, event 20 (waited 2 s) stays.
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(default, null, "tick"));
        Assert.Equal("t:tick, gap 1..4 Timeout, 5, gap 6..9 Timeout, 10", sequencer.Drain().Render());
        Assert.Equal(1, sequencer.HeldCount);

        _time.Advance(TimeSpan.FromSeconds(3));
        sequencer.Poll();
        Assert.Equal("gap 11..19 Timeout, 20", sequencer.Drain().Render());
    }

    [Fact]
    public void EventsReleasedMeanwhileDoNotDelayTheTimeout()
    {
        var sequencer = Create(new SequencerOptions { MaxHeldEvents = 2 });
        sequencer.Offer(Uuid(1000), 1000, "far");

        // Many events are held and released while 1000 waits; their arrival records die and get
        // compacted away, and 1000 must keep its own arrival time through that.
        for (long sequence = 1; sequence <= 200; sequence += 2)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
            Assert.Equal(SequencerDecision.Held, sequencer.Offer(Uuid(sequence + 1), sequence + 1, "next"));
            Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(sequence), sequence, "fill"));
        }

        sequencer.Drain();
        _time.Advance(TimeSpan.FromSeconds(2.9));
        sequencer.Poll();
        Assert.Empty(sequencer.Drain());

        _time.Advance(TimeSpan.FromSeconds(0.1));
        sequencer.Poll();
        Assert.Equal("gap 201..999 Timeout, 1000", sequencer.Drain().Render());
    }

    [Fact]
    public void InfiniteGapTimeoutNeverExpires()
    {
        var sequencer = Create(new SequencerOptions { GapTimeout = Timeout.InfiniteTimeSpan });
        sequencer.Offer(Uuid(3), 3, "c");

        _time.Advance(TimeSpan.FromDays(365));
        sequencer.Poll();

        Assert.Empty(sequencer.Drain());
        Assert.Equal(1, sequencer.HeldCount);
    }

    [Fact]
    public void FlushDeclaresEveryGapAndReleasesEverythingHeld()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(7), 7, "g");
        sequencer.Offer(Uuid(3), 3, "c");
        sequencer.Offer(Uuid(4), 4, "d");

        sequencer.Flush();

        Assert.Equal("gap 1..2 Flush, 3, 4, gap 5..6 Flush, 7", sequencer.Drain().Render());
        Assert.Equal(0, sequencer.HeldCount);
        Assert.Equal(7, sequencer.Cursor);
        Assert.Equal(SequencerDecision.Stale, sequencer.Offer(Uuid(5), 5, "late"));
        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(7), 7, "copy"));
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(8), 8, "next"));
    }

    [Fact]
    public void FlushWithNothingHeldDoesNothing()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(1), 1, "a");
        sequencer.Drain();

        sequencer.Flush();

        Assert.Empty(sequencer.Drain());
        Assert.Equal(1, sequencer.Cursor);
    }

    [Fact]
    public void SequenceJumpUsesOneSlot()
    {
        var sequencer = Create(new SequencerOptions { MaxHeldEvents = 4 });
        const long Far = 1L << 62;
        sequencer.Offer(Uuid(1), 1, "a");

        Assert.Equal(SequencerDecision.Held, sequencer.Offer(Uuid(2), Far, "far"));
        Assert.Equal(1, sequencer.HeldCount);

        sequencer.Flush();
        Assert.Equal($"1, gap 2..{Far - 1} Flush, {Far}", sequencer.Drain().Render());
        Assert.Equal(Far, sequencer.Cursor);
    }

    [Fact]
    public void CursorAtLongMaxValueMakesEverythingStale()
    {
        var sequencer = Create(new SequencerOptions { InitialCursor = long.MaxValue });

        Assert.Equal(SequencerDecision.Stale, sequencer.Offer(Uuid(1), long.MaxValue, "last"));
        sequencer.Flush();
        sequencer.Poll();
        Assert.Empty(sequencer.Drain());
    }

    [Fact]
    public void CheckAgreesWithOfferAndChangesNothing()
    {
        var sequencer = Create(new SequencerOptions { MaxHeldEvents = 2, TransientIdWindow = 2 });
        var arrivals = new (EventKey Id, long? Sequence)[]
        {
            (Uuid(1), 1), (Uuid(1), 1), (Uuid(3), 3), (Uuid(3), 3), (default, 3), (Uuid(9), 3), (Uuid(2), 2),
            (default, 2), (Uuid(5), 5), (Uuid(6), 6), (Uuid(8), 8), (Uuid(40), null), (Uuid(40), null),
            (default, null), (Uuid(41), null), (Uuid(42), null), (Uuid(40), null), (Uuid(4), 4),
        };

        foreach ((EventKey id, long? sequence) in arrivals)
        {
            SequencerCounters before = sequencer.Counters;
            SequencerCheck predicted = sequencer.Check(id, sequence);
            Assert.Equal(predicted, sequencer.Check(id, sequence));
            Assert.Equal(before, sequencer.Counters);
            Assert.Equal(0, sequencer.ReadyCount);

            SequencerDecision actual = sequencer.Offer(id, sequence, "x");
            Assert.Equal(predicted, actual.AsCheck());
            sequencer.Drain();
        }
    }

    [Fact]
    public void OutputsQueueUntilTaken()
    {
        var sequencer = Create(new SequencerOptions { MaxHeldEvents = 1 });

        // Outputs offered without taking any queue up in order, well past the held limit.
        for (long sequence = 1; sequence <= 10; sequence++)
        {
            sequencer.Offer(Uuid(sequence), sequence, "x");
        }

        Assert.Equal(10, sequencer.ReadyCount);
        Assert.Equal("1, 2, 3, 4, 5, 6, 7, 8, 9, 10", sequencer.Drain().Render());
    }

    [Fact]
    public void ResetMovesTheCursorAndKeepsTheIdWindows()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(1), 1, "a");
        sequencer.Offer(Uuid(2), 2, "b");
        sequencer.Drain();

        sequencer.Reset(0);

        Assert.Equal(0, sequencer.Cursor);
        Assert.Equal(SequencerDecision.Duplicate, sequencer.Offer(Uuid(1), 1, "remembered"));
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(default, 1, "no id"));

        sequencer.Reset(100);
        Assert.Equal(SequencerDecision.Stale, sequencer.Offer(Uuid(50), 50, "below"));
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(101), 101, "next"));
    }

    [Fact]
    public void ResetRefusesWhileEventsAreHeld()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(5), 5, "e");

        Assert.Throws<InvalidOperationException>(() => sequencer.Reset(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => sequencer.Reset(-1));

        sequencer.Flush();
        sequencer.Reset(10);
        Assert.Equal(SequencerDecision.Held, sequencer.Offer(Uuid(12), 12, "l"));
    }

    [Fact]
    public void WithoutOptionsOrClockTheDefaultsAndTheSystemClockApply()
    {
        var sequencer = new EventSequencer<string>(options: null, timeProvider: null);

        Assert.Equal(0, sequencer.Cursor);
        Assert.Equal(SequencerDecision.Held, sequencer.Offer(default, 2, "b"));
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(default, 1, "a"));
        Assert.Equal(2, sequencer.Cursor);
    }

    [Fact]
    public void OutputAccessorsMatchTheirKind()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(2), 2, "b");
        sequencer.Flush();
        List<SequencerOutput<string>> outputs = sequencer.Drain();

        Assert.Throws<InvalidOperationException>(() => outputs[0].Event);
        Assert.Throws<InvalidOperationException>(() => outputs[0].Sequence);
        Assert.Equal(new SequenceGap(1, 1, GapReason.Flush), outputs[0].Gap);
        Assert.Equal(1, outputs[0].Gap.Count);
        Assert.Throws<InvalidOperationException>(() => outputs[1].Gap);
        Assert.Equal("Gap [1..1] (Flush)", outputs[0].ToString());
        Assert.Equal("Event 2: b", outputs[1].ToString());

        SequencerOutput<string> none = default;
        Assert.Equal(SequencerOutputKind.None, none.Kind);
        Assert.Throws<InvalidOperationException>(() => none.Event);
        Assert.Equal("None", none.ToString());
    }

    [Fact]
    public void SequenceGapValidatesItsArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceGap(0, 1, GapReason.Flush));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceGap(5, 4, GapReason.Flush));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceGap(1, 1, (GapReason)42));
        Assert.Equal(long.MaxValue, new SequenceGap(1, long.MaxValue, GapReason.Timeout).Count);
    }

    private EventSequencer<string> Create(SequencerOptions? options = null) =>
        new(options ?? new SequencerOptions(), _time);
}
