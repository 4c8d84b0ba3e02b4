using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;

namespace PolyChat.Testing.Tests.Client.Scripted;

/// <summary>Waits on conditions, never on fixed sleeps: each wait gives up after 30 s of real time, or the cap given.</summary>
internal static class Waits
{
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> until it holds.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? cap = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > (cap ?? Cap))
            {
                throw new TimeoutException($"Gave up after {(cap ?? Cap).TotalSeconds} s waiting for: {what}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Moves <paramref name="clock"/> forward in <paramref name="step"/>s until <paramref name="condition"/> holds,
    /// yielding between steps so timers and the loops they wake can run; fails after 30 s of real time or when
    /// fake time passes <paramref name="limit"/>.
    /// </summary>
    public static async Task AdvanceUntilAsync(FakeTimeProvider clock, TimeSpan step, Func<bool> condition, string what, TimeSpan? limit = null, TimeSpan? cap = null)
    {
        var watch = Stopwatch.StartNew();
        var start = clock.GetUtcNow();
        while (!condition())
        {
            if (watch.Elapsed > (cap ?? Cap) || (limit is { } max && clock.GetUtcNow() - start > max))
            {
                throw new TimeoutException($"Gave up waiting for: {what} (fake time advanced {clock.GetUtcNow() - start})");
            }

            clock.Advance(step);
            await Task.Delay(5);
        }
    }
}
