using System;
using PolyChat.Protocol.Delivery;
using Xunit;

namespace PolyChat.Protocol.Tests;

public class DeliveryOptionsTests
{
    [Fact]
    public void DefaultsFollowPolyAIsRetryAdvice()
    {
        var options = new DeliveryOptions();

        Assert.Equal(TimeSpan.FromSeconds(5), options.RetryDelay);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(256, options.MaxPending);
        Assert.Equal(128, options.SettledWindow);
    }

    [Fact]
    public void ValuesAtTheEdgesOfTheirRangesAreAccepted()
    {
        var options = new DeliveryOptions
        {
            RetryDelay = TimeSpan.FromDays(1),
            MaxRetries = DeliveryOptions.MaxRetriesLimit,
            MaxPending = DeliveryOptions.MaxCapacity,
            SettledWindow = 0,
        };

        Assert.Equal(TimeSpan.FromDays(1), options.RetryDelay);
        Assert.Equal(100, options.MaxRetries);
        Assert.Equal(65_536, options.MaxPending);
        Assert.Equal(0, options.SettledWindow);
        Assert.Equal(1, new DeliveryOptions { MaxPending = 1, MaxRetries = 0, RetryDelay = TimeSpan.FromTicks(1) }.MaxPending);
    }

    [Fact]
    public void ValuesOutsideTheirRangesAreRejectedWhenSet()
    {
        Assert.Throws<ArgumentOutOfRangeException>("RetryDelay", () => new DeliveryOptions { RetryDelay = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>("RetryDelay", () => new DeliveryOptions { RetryDelay = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentOutOfRangeException>("RetryDelay", () => new DeliveryOptions { RetryDelay = TimeSpan.FromDays(1) + TimeSpan.FromTicks(1) });
        Assert.Throws<ArgumentOutOfRangeException>("MaxRetries", () => new DeliveryOptions { MaxRetries = -1 });
        Assert.Throws<ArgumentOutOfRangeException>("MaxRetries", () => new DeliveryOptions { MaxRetries = 101 });
        Assert.Throws<ArgumentOutOfRangeException>("MaxPending", () => new DeliveryOptions { MaxPending = 0 });
        Assert.Throws<ArgumentOutOfRangeException>("MaxPending", () => new DeliveryOptions { MaxPending = DeliveryOptions.MaxCapacity + 1 });
        Assert.Throws<ArgumentOutOfRangeException>("SettledWindow", () => new DeliveryOptions { SettledWindow = -1 });
        Assert.Throws<ArgumentOutOfRangeException>("SettledWindow", () => new DeliveryOptions { SettledWindow = DeliveryOptions.MaxCapacity + 1 });
    }
}
