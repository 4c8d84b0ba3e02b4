using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace PolyChat.Protocol;

/// <summary>
/// The checks every options class runs in its property setters, so an options instance is always usable and a bad
/// value fails on the line that sets it, naming the property.
/// </summary>
internal static class OptionRules
{
    public static int InRange(int value, int minimum, int maximum, [CallerMemberName] string name = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, minimum, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, maximum, name);
        return value;
    }

    public static long NotNegative(long value, [CallerMemberName] string name = "")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value, name);
        return value;
    }

    /// <summary>More than zero and at most <paramref name="maximum"/>.</summary>
    public static TimeSpan Positive(TimeSpan value, TimeSpan maximum, [CallerMemberName] string name = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, maximum, name);
        return value;
    }

    /// <summary>More than zero, or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static TimeSpan PositiveOrInfinite(TimeSpan value, [CallerMemberName] string name = "") =>
        value == Timeout.InfiniteTimeSpan ? value : Positive(value, TimeSpan.MaxValue, name);

    public static T NotNull<T>(T value, [CallerMemberName] string name = "")
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value, name);
        return value;
    }
}
