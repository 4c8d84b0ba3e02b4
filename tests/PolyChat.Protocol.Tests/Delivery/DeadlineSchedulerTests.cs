using System;
using System.Collections.Generic;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using Xunit;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// The tracker's one timer (our design; the docs only give the schedule): armed for the earliest wish, disarmed when
/// there is none, so an idle tracker does no timer work.
/// </summary>
public class DeadlineSchedulerTests
{
    private readonly FakeTimeProvider _fake = new();
    private readonly CountingTimeProvider _clock;
    private readonly List<TimeSpan> _wakeUps = [];
    private readonly DeadlineScheduler _scheduler;

    public DeadlineSchedulerTests()
    {
        _clock = new CountingTimeProvider(_fake);
        _scheduler = new DeadlineScheduler(_clock, () => _wakeUps.Add(_scheduler!.Now));
    }

    [Fact]
    public void ANewSchedulerIsDisarmedAndNeverWakes()
    {
        _scheduler.Apply();
        _fake.Advance(TimeSpan.FromDays(3));

        Assert.Equal(1, _clock.Created);
        Assert.Equal(0, _clock.Armed);
        Assert.Equal(0, _clock.Fired);
    }

    [Fact]
    public void TheEarliestRequestWins()
    {
        _scheduler.Request(TimeSpan.FromSeconds(10));
        _scheduler.Request(TimeSpan.FromSeconds(5));
        _scheduler.Request(TimeSpan.FromSeconds(20));
        _scheduler.Apply();

        _fake.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Empty(_wakeUps);
        _fake.Advance(TimeSpan.FromTicks(1));

        Assert.Equal([TimeSpan.FromSeconds(5)], _wakeUps);

        // One-shot: after the wake-up it is disarmed until the owner asks again.
        Assert.Equal(0, _clock.Armed);
        _fake.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(_wakeUps);
    }

    [Fact]
    public void AResetToNeverDisarmsTheTimer()
    {
        _scheduler.Request(TimeSpan.FromSeconds(5));
        _scheduler.Apply();
        Assert.Equal(1, _clock.Armed);

        _scheduler.Reset(DeadlineScheduler.Never);
        _scheduler.Apply();
        _fake.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, _clock.Armed);
        Assert.Equal(0, _clock.Fired);
    }

    [Fact]
    public void AResetReplacesAnEarlierWish()
    {
        _scheduler.Request(TimeSpan.FromSeconds(5));
        _scheduler.Apply();
        _scheduler.Reset(TimeSpan.FromSeconds(8));
        _scheduler.Apply();

        _fake.Pass(TimeSpan.FromSeconds(10));

        Assert.Equal([TimeSpan.FromSeconds(8)], _wakeUps);
    }

    [Fact]
    public void ALaterRequestDoesNotPostponeTheTimer()
    {
        _scheduler.Request(TimeSpan.FromSeconds(5));
        _scheduler.Apply();
        _scheduler.Request(TimeSpan.FromSeconds(9));
        _scheduler.Apply();

        _fake.Pass(TimeSpan.FromSeconds(6));

        Assert.Equal([TimeSpan.FromSeconds(5)], _wakeUps);
    }

    [Fact]
    public void APassedDeadlineWakesOnTheNextTickNotInsideApply()
    {
        _fake.Advance(TimeSpan.FromSeconds(10));
        _scheduler.Request(TimeSpan.FromSeconds(1));
        _scheduler.Apply();

        // FakeTimeProvider runs a due callback inside ITimer.Change; the owner must not be re-entered there.
        Assert.Empty(_wakeUps);
        _fake.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Single(_wakeUps);
    }

    [Fact]
    public void AFarDeadlineIsReachedInStepsOfADay()
    {
        _scheduler.Request(TimeSpan.FromDays(3));
        _scheduler.Apply();

        _fake.Advance(TimeSpan.FromDays(1));

        // The owner is woken early, finds nothing due, and asks again (as the tracker does).
        Assert.Equal([TimeSpan.FromDays(1)], _wakeUps);
    }

    [Fact]
    public void NothingFiresOrIsArmedAfterDispose()
    {
        _scheduler.Request(TimeSpan.FromSeconds(5));
        _scheduler.Apply();

        _scheduler.Dispose();
        _scheduler.Request(TimeSpan.FromSeconds(1));
        _scheduler.Apply();
        _fake.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(_wakeUps);
        Assert.Equal(0, _clock.Alive);
    }

    [Fact]
    public void AnApplyWithTheWishUnchangedLeavesTheTimerAlone()
    {
        // Apply is called after every change of the owner's state; re-arming each time would be timer work for nothing.
        var clock = new ManualTimeProvider();
        using var scheduler = new DeadlineScheduler(clock, () => { });
        scheduler.Request(TimeSpan.FromSeconds(5));
        scheduler.Apply();
        Assert.Equal(1, clock.Timer.Changes);

        scheduler.Apply();
        scheduler.Request(TimeSpan.FromSeconds(8));
        scheduler.Apply();
        scheduler.Reset(TimeSpan.FromSeconds(5));
        scheduler.Apply();

        Assert.Equal(1, clock.Timer.Changes);
        Assert.Equal(TimeSpan.FromSeconds(5), clock.Timer.DueTime);
    }

    [Fact]
    public void AfterDisposeTheTimerIsNeitherChangedNorDisposedAgain()
    {
        var clock = new ManualTimeProvider();
        var wakeUps = 0;
        var scheduler = new DeadlineScheduler(clock, () => wakeUps++);
        scheduler.Request(TimeSpan.FromSeconds(5));
        scheduler.Apply();

        scheduler.Dispose();
        scheduler.Dispose();
        scheduler.Request(TimeSpan.FromSeconds(1));
        scheduler.Apply();

        Assert.Equal(1, clock.Timer.Disposals);
        Assert.Equal(1, clock.Timer.Changes);
        Assert.Equal(0, wakeUps);
    }

    [Fact]
    public void ACallbackThatStartsAfterDisposeDoesNotWakeTheOwner()
    {
        // A system timer's callback may already be queued when Dispose runs: it must find the scheduler disposed.
        var clock = new ManualTimeProvider();
        var wakeUps = 0;
        var scheduler = new DeadlineScheduler(clock, () => wakeUps++);
        scheduler.Request(TimeSpan.FromSeconds(5));
        scheduler.Apply();
        clock.Pass(TimeSpan.FromSeconds(5));

        scheduler.Dispose();
        clock.Timer.Fire();

        Assert.Equal(0, wakeUps);
    }
}
