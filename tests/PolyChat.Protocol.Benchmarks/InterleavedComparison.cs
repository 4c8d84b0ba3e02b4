using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace PolyChat.Protocol.Benchmarks;

/// <summary>
/// Measures two operations against each other in alternating rounds, in one process: both see the same machine
/// state (steal time, frequency, other load) within a round, so the ratio of each round is steady where separate
/// BenchmarkDotNet runs of each side drift apart. The result is the median of the per-round ratios, with the
/// spread of the middle half.
/// </summary>
public static class InterleavedComparison
{
    private const int PairsPerRound = 10;

    private static readonly TimeSpan BatchTarget = TimeSpan.FromMilliseconds(1);

    /// <summary>Per-operation times of one side, and the per-round ratios ours ÷ theirs.</summary>
    public sealed record Result(string Name, double[] Ratios, double[] OursNanoseconds, double[] TheirsNanoseconds, double OursBytes, double TheirsBytes)
    {
        public double Ratio => Median(Ratios);

        public double BytesRatio => OursBytes / Math.Max(1, TheirsBytes);

        public string Line => string.Create(CultureInfo.InvariantCulture,
            $"ratio {Name} {Ratio:F3} spread {Percentile(Ratios, 0.25):F3}..{Percentile(Ratios, 0.75):F3} rounds {Ratios.Length} " +
            $"ours-ns {Median(OursNanoseconds):F0} theirs-ns {Median(TheirsNanoseconds):F0}");
    }

    /// <summary>
    /// Runs <paramref name="rounds"/> rounds. A round alternates short batches of each side (about a millisecond
    /// each, the order flipping every pair) and keeps each side's fastest batch: a batch that another process
    /// preempted is slow, never fast, so the minimum is the time of the code, and the round's ratio compares the
    /// two sides under the same conditions.
    /// </summary>
    public static Result Compare<TOurs, TTheirs>(string name, Func<TOurs> ours, Func<TTheirs> theirs, int rounds = 41)
    {
        var oursBatch = Calibrate(ours, BatchTarget);
        var theirsBatch = Calibrate(theirs, BatchTarget);
        var oursBytes = BytesPerOperation(ours, oursBatch);
        var theirsBytes = BytesPerOperation(theirs, theirsBatch);

        var ratios = new double[rounds];
        var oursTimes = new double[rounds];
        var theirsTimes = new double[rounds];
        for (var round = 0; round < rounds; round++)
        {
            var oursBest = double.MaxValue;
            var theirsBest = double.MaxValue;
            for (var pair = 0; pair < PairsPerRound; pair++)
            {
                // Alternate which side goes first, so neither always runs on a cache the other warmed or cooled.
                if (pair % 2 == 0)
                {
                    oursBest = Math.Min(oursBest, Time(ours, oursBatch));
                    theirsBest = Math.Min(theirsBest, Time(theirs, theirsBatch));
                }
                else
                {
                    theirsBest = Math.Min(theirsBest, Time(theirs, theirsBatch));
                    oursBest = Math.Min(oursBest, Time(ours, oursBatch));
                }
            }

            oursTimes[round] = oursBest;
            theirsTimes[round] = theirsBest;
            ratios[round] = oursBest / theirsBest;
        }

        return new Result(name, ratios, oursTimes, theirsTimes, oursBytes, theirsBytes);
    }

    /// <summary>The median over rounds of the fastest of several batches, for metrics that compare with nothing.</summary>
    public static (double Nanoseconds, double Bytes) Measure<T>(Func<T> operation, int rounds = 21)
    {
        var batch = Calibrate(operation, BatchTarget);
        var times = new double[rounds];
        for (var round = 0; round < rounds; round++)
        {
            times[round] = double.MaxValue;
            for (var i = 0; i < PairsPerRound; i++)
            {
                times[round] = Math.Min(times[round], Time(operation, batch));
            }
        }

        return (Median(times), BytesPerOperation(operation, batch));
    }

    public static double Median(double[] values) => Percentile(values, 0.5);

    public static double Percentile(double[] values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var position = p * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = (int)Math.Ceiling(position);
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }

    // Warms the operation up past tiered compilation, then finds a batch size that takes about the target time.
    private static int Calibrate<T>(Func<T> operation, TimeSpan target)
    {
        var warmUntil = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 2);
        var batch = 1;
        while (Stopwatch.GetTimestamp() < warmUntil)
        {
            Time(operation, batch);
            batch = Math.Min(batch * 2, 1 << 20);
        }

        var perOperation = Time(operation, batch);
        return (int)Math.Clamp(target.TotalNanoseconds / perOperation, 1, 1 << 24);
    }

    private static double Time<T>(Func<T> operation, int batch)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < batch; i++)
        {
            Sink<T>.Value = operation();
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / batch;
    }

    private static double BytesPerOperation<T>(Func<T> operation, int operations)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < operations; i++)
        {
            Sink<T>.Value = operation();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)operations;
    }

    // Keeps results alive so the JIT cannot drop the measured calls; generic, so a value result is not boxed.
    private static class Sink<T>
    {
        public static T? Value;
    }
}
