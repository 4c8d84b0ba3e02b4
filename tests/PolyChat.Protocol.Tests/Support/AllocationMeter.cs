using System;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// Bytes allocated on this thread by a piece of work, measured over a few rounds and the least kept: the JIT's tier-up
/// and on-stack replacement may allocate once, at any time, and later on a loaded machine, but an allocation the code
/// makes recurs in every round.
/// </summary>
internal static class AllocationMeter
{
    public static long Least(Action round, int rounds = 3)
    {
        long least = long.MaxValue;
        for (int i = 0; i < rounds; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
