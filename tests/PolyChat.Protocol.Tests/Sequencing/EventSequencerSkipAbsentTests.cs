using System;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Sequencing;
using Xunit;
using static PolyChat.Protocol.Tests.TestIds;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// §1b: the docs promise only that <c>sequence</c> increases; §4b: a reconnect replays everything after the cursor.
/// So after a complete replay, the numbers it lacks were never assigned, and <see cref="EventSequencer{TEvent}.SkipAbsent"/>
/// moves past them (our rule, from those two facts).
/// </summary>
public class EventSequencerSkipAbsentTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void SkipAbsentReleasesEverythingHeldAndDeclaresTheHolesAsNotInReplay()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(1), 1, "a");
        sequencer.Offer(Uuid(5), 5, "e");
        sequencer.Offer(Uuid(6), 6, "f");
        sequencer.Offer(Uuid(9), 9, "i");

        Assert.Equal(5, sequencer.SkipAbsent());

        Assert.Equal("1, gap 2..4 NotInReplay, 5, 6, gap 7..8 NotInReplay, 9", sequencer.Drain().Render());
        Assert.Equal(9, sequencer.Cursor);
        Assert.Equal(0, sequencer.HeldCount);
        Assert.Equal(2, sequencer.Counters.GapsDeclared);
    }

    [Fact]
    public void SkipAbsentWithNothingHeldDoesNothing()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(1), 1, "a");
        sequencer.Drain();

        Assert.Equal(0, sequencer.SkipAbsent());

        Assert.Empty(sequencer.Drain());
        Assert.Equal(1, sequencer.Cursor);
    }

    [Fact]
    public void ASkippedSequenceArrivingLaterIsStale()
    {
        var sequencer = Create();
        sequencer.Offer(Uuid(3), 3, "c");
        sequencer.SkipAbsent();
        sequencer.Drain();

        Assert.Equal(SequencerDecision.Stale, sequencer.Offer(Uuid(2), 2, "b"));
        Assert.Equal(SequencerDecision.Ready, sequencer.Offer(Uuid(4), 4, "d"));
    }

    [Fact]
    public void NotInReplayIsAValidGapReason()
    {
        var gap = new SequenceGap(2, 4, GapReason.NotInReplay);

        Assert.Equal(3, gap.Count);
        Assert.Equal("[2..4] (NotInReplay)", gap.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceGap(2, 4, GapReason.RepairFailed + 1));
    }

    private EventSequencer<string> Create() => new(new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(5) }, _time);
}
