using System;
using System.Diagnostics;
using System.Threading;

namespace PolyChat.Session.Simulation;

/// <summary>
/// Waits until nothing runs on the thread pool: no queued work, no busy worker, and no work item completed across
/// a few polls. Everything a run does (socket reads, session and simulator loops, timer callbacks' continuations)
/// is thread-pool work over in-memory streams, so an idle pool means the system waits for the clock. The driver
/// runs on a thread of its own, so it never counts as busy itself.
/// </summary>
internal static class Settler
{
    private const int StablePolls = 3;

    // Workers busy outside the simulation for the whole run: the test framework's thread that waits for the driver.
    private static int _baseline;

    /// <summary>Measures the workers busy before any run starts; call it on the driver thread first.</summary>
    public static void Calibrate() => _baseline = MeasureBaseline();

    /// <summary>True once idle; false when <paramref name="patience"/> of real time passed first.</summary>
    public static bool WaitIdle(TimeSpan patience)
    {
        ThreadPool.GetMaxThreads(out var maxWorkers, out _);
        var idleAvailable = maxWorkers - _baseline;
        var watch = Stopwatch.StartNew();
        var stable = 0;
        var lastCompleted = -1L;
        var spin = new SpinWait();
        while (watch.Elapsed < patience)
        {
            ThreadPool.GetAvailableThreads(out var available, out _);
            var completed = ThreadPool.CompletedWorkItemCount;
            if (ThreadPool.PendingWorkItemCount == 0 && available >= idleAvailable && completed == lastCompleted)
            {
                if (++stable >= StablePolls)
                {
                    return true;
                }
            }
            else
            {
                stable = 0;
            }

            lastCompleted = completed;
            spin.SpinOnce(sleep1Threshold: -1);
        }

        return false;
    }

    private static int MeasureBaseline()
    {
        ThreadPool.GetMaxThreads(out var maxWorkers, out _);
        var busy = int.MaxValue;
        for (var i = 0; i < 50; i++)
        {
            ThreadPool.GetAvailableThreads(out var available, out _);
            busy = Math.Min(busy, maxWorkers - available);
            Thread.Sleep(1);
        }

        return busy;
    }
}
