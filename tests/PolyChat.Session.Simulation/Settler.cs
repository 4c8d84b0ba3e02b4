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

    /// <summary>True once idle; false when <paramref name="patience"/> of real time passed first.</summary>
    public static bool WaitIdle(TimeSpan patience)
    {
        ThreadPool.GetMaxThreads(out var maxWorkers, out _);
        var watch = Stopwatch.StartNew();
        var stable = 0;
        var lastCompleted = -1L;
        var spin = new SpinWait();
        while (watch.Elapsed < patience)
        {
            ThreadPool.GetAvailableThreads(out var available, out _);
            var completed = ThreadPool.CompletedWorkItemCount;
            if (ThreadPool.PendingWorkItemCount == 0 && available == maxWorkers && completed == lastCompleted)
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
}
