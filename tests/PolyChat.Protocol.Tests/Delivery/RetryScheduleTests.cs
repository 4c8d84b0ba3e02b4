using System;
using System.Collections.Generic;
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
        var attempts = new List<TimeSpan> { TimeSpan.Zero };
        var at = schedule.FirstWait;
        var retries = 0;
        while (!schedule.IsExhausted(retries))
        {
            attempts.Add(at);
            retries++;
            at += schedule.WaitAfter(retries);
        }

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)], attempts);
        Assert.Equal(TimeSpan.FromSeconds(35), at);
    }

    [Fact]
    public void NoRetriesMeansTheFirstWaitEndsInFailure()
    {
        var schedule = new RetrySchedule(new DeliveryOptions { MaxRetries = 0 });

        Assert.True(schedule.IsExhausted(0));
        Assert.Equal(TimeSpan.FromSeconds(5), schedule.FirstWait);
    }

    [Fact]
    public void ATransientErrorWaitsTheTransientDelay()
    {
        // §6: "transient; retry after 2–5 s"; the default of 3 s is ours, inside that range.
        Assert.Equal(TimeSpan.FromSeconds(3), new RetrySchedule(new DeliveryOptions()).TransientWait);
        Assert.Equal(TimeSpan.FromSeconds(2), new RetrySchedule(new DeliveryOptions { TransientErrorDelay = TimeSpan.FromSeconds(2) }).TransientWait);
    }
}
