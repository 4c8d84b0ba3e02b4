using System;
using System.Threading;
using Microsoft.Extensions.Time.Testing;

namespace PolyChat.Simulator.Tests.Client.Scripted;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that counts how often the timers created through it fire, so a test can tell
/// an idle component (no timer work) from one that polls.
/// </summary>
internal sealed class CountingTimeProvider : TimeProvider
{
    private int _callbacks;

    public CountingTimeProvider(FakeTimeProvider clock) => Clock = clock;

    public FakeTimeProvider Clock { get; }

    /// <summary>How many timer callbacks have run so far.</summary>
    public int Callbacks => Volatile.Read(ref _callbacks);

    public override DateTimeOffset GetUtcNow() => Clock.GetUtcNow();

    public override long GetTimestamp() => Clock.GetTimestamp();

    public override long TimestampFrequency => Clock.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Clock.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Clock.CreateTimer(
            value =>
            {
                Interlocked.Increment(ref _callbacks);
                callback(value);
            },
            state,
            dueTime,
            period);
}
