using System;
using System.Runtime.CompilerServices;
using PolyChat.Protocol.Sequencing;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// The sequencer's ready outputs: first in first out whichever slot an output sits in, the in-order path (one output
/// queued, then taken) never touching the queue, and a taken event not kept alive by the queue.
/// </summary>
public class OutputQueueTests
{
    [Fact]
    public void OutputsComeOutInTheOrderTheyWentIn()
    {
        var queue = new OutputQueue<string>();
        queue.EnqueueEvent("a", 1);
        queue.EnqueueEvent("b", 2);
        queue.Enqueue(SequencerOutput<string>.ForGap(new SequenceGap(3, 3, GapReason.Flush)));
        queue.EnqueueEvent("c", 4);
        Assert.Equal(4, queue.Count);

        Assert.Equal("1, 2, gap 3..3 Flush, 4", Render(queue));
        Assert.Equal(0, queue.Count);
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void TheInOrderPathAllocatesNothingEvenTheFirstTime()
    {
        // Warm up the types and the JIT on another queue.
        var warm = new OutputQueue<string>();
        warm.EnqueueEvent("w", 1);
        warm.TryDequeue(out _);

        var queue = new OutputQueue<string>();
        long taken = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long sequence = 1; sequence <= 3; sequence++)
        {
            queue.EnqueueEvent("e", sequence);
            if (queue.TryDequeue(out var output) && output.Sequence == sequence)
            {
                taken++;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(3, taken);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ATakenEventIsNotKeptAliveByTheQueue()
    {
        var queue = new OutputQueue<object>();
        WeakReference taken = EnqueueAndTake(queue);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(taken.IsAlive);
        GC.KeepAlive(queue);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference EnqueueAndTake(OutputQueue<object> queue)
    {
        var item = new object();
        queue.EnqueueEvent(item, 1);
        Assert.True(queue.TryDequeue(out var output));
        Assert.Same(item, output.Event);
        return new WeakReference(item);
    }

    private static string Render(OutputQueue<string> queue)
    {
        var outputs = new System.Collections.Generic.List<SequencerOutput<string>>();
        while (queue.TryDequeue(out var output))
        {
            outputs.Add(output);
        }

        return outputs.Render();
    }
}
