using System;
using System.Linq;
using PolyChat.Protocol.Delivery;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>The receipt schedule as numbers, without a tracker or a clock (PROTOCOL.md §2).</summary>
public class RetryScheduleTests
{
    [Fact]
    public void TheDefaultsGiveAttemptsAt0And5And10And20SecondsAndTheFailureAt35()
    {
        // §2, the receipt algorithm: first wait RetryDelay (5 s), after retry n a wait of RetryDelay × n, 3 retries.
        var schedule = new RetrySchedule(new DeliveryOptions());

        Assert.Equal(4, schedule.MaxAttempts);
        Assert.Equal([0, 5, 10, 20], Enumerable.Range(0, schedule.MaxAttempts).Select(a => schedule.DueAfter(a).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(35), schedule.Deadline);
        Assert.Equal(schedule.Deadline, schedule.DueAfter(schedule.MaxAttempts));
    }

    [Fact]
    public void NoRetriesMeansOneSendAndTheFailureOneDelayLater()
    {
        var schedule = new RetrySchedule(new DeliveryOptions { MaxRetries = 0 });

        Assert.Equal(1, schedule.MaxAttempts);
        Assert.Equal(TimeSpan.Zero, schedule.DueAfter(0));
        Assert.Equal(TimeSpan.FromSeconds(5), schedule.Deadline);
    }

    [Fact]
    public void OtherUnitsAndCountsFollowTheSameRule()
    {
        var schedule = new RetrySchedule(new DeliveryOptions { RetryDelay = TimeSpan.FromSeconds(2), MaxRetries = 5 });

        // 0, then 2, then +2×1, +2×2, +2×3, +2×4; failed 2×5 after the last.
        Assert.Equal([0, 2, 4, 8, 14, 22], Enumerable.Range(0, schedule.MaxAttempts).Select(a => schedule.DueAfter(a).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(32), schedule.Deadline);
    }

    [Fact]
    public void ATransientErrorWaitsTheTransientDelay()
    {
        // §6: "transient; retry after 2–5 s"; the default of 3 s is ours, inside that range.
        Assert.Equal(TimeSpan.FromSeconds(3), new RetrySchedule(new DeliveryOptions()).TransientWait);
        Assert.Equal(TimeSpan.FromSeconds(2), new RetrySchedule(new DeliveryOptions { TransientErrorDelay = TimeSpan.FromSeconds(2) }).TransientWait);
    }
}
