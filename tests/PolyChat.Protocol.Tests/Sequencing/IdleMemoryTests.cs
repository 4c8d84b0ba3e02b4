using System;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;
using Xunit;
using Xunit.Abstractions;
using static PolyChat.Protocol.Tests.TestIds;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// The sequencer's collections start empty and grow with use (our rule, for the density goal of at most 64 KB per
/// idle session): measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/>, which counts this thread only,
/// so the figures are exact whatever runs in parallel.
/// </summary>
public class IdleMemoryTests(ITestOutputHelper output)
{
    // README: "an idle EventReceiver is under 1 KB". A new receiver or sequencer is a handful of small objects: 920
    // and 816 bytes when the limit was 1,536 B. With room presized for the default bounds (1,024 ids in each window,
    // 1,024 held events, 2,050 ready outputs) a receiver was 402,256 bytes.
    private const long IdleLimit = 1024;

    private static readonly object Payload = new();

    [Fact]
    public void AnIdleReceiverAndSequencerHoldNoRoomForEvents()
    {
        // Once first, so that type initialisation is not counted.
        _ = new EventReceiver();
        _ = new EventSequencer<Event>();

        long before = GC.GetAllocatedBytesForCurrentThread();
        var receiver = new EventReceiver();
        long receiverBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        var sequencer = new EventSequencer<Event>();
        long sequencerBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"default options: EventReceiver {receiverBytes:N0} bytes, EventSequencer {sequencerBytes:N0} bytes");
        Assert.True(receiverBytes < IdleLimit, $"EventReceiver: {receiverBytes:N0} bytes");
        Assert.True(sequencerBytes < IdleLimit, $"EventSequencer: {sequencerBytes:N0} bytes");

        // The largest bounds allowed cost nothing until they are used either.
        before = GC.GetAllocatedBytesForCurrentThread();
        var largest = new EventSequencer<Event>(new SequencerOptions
        {
            MaxHeldEvents = SequencerOptions.MaxCapacity,
            TransientIdWindow = SequencerOptions.MaxCapacity,
            DeliveredIdWindow = SequencerOptions.MaxCapacity,
        });
        long largestBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"largest bounds: EventSequencer {largestBytes:N0} bytes");
        Assert.True(largestBytes < IdleLimit, $"EventSequencer with the largest bounds: {largestBytes:N0} bytes");

        GC.KeepAlive(receiver);
        GC.KeepAlive(sequencer);
        GC.KeepAlive(largest);
    }

    [Fact]
    public void ABurstGrowsTheCollectionsThenTheSteadyStateAllocatesNothing()
    {
        var sequencer = new EventSequencer<object>(new SequencerOptions(), new FakeTimeProvider());
        Span<byte> buffer = stackalloc byte[36];
        long sequence = 0;

        // The burst: 2,000 events in reverse blocks of 500 (499 held, then released by the lowest), and 2,000
        // transient events. Every collection grows to what the burst needed: memory follows use.
        long before = GC.GetAllocatedBytesForCurrentThread();
        Reversed(sequencer, buffer, ref sequence, blocks: 4, blockSize: 500);
        Transient(sequencer, buffer, first: 0, count: 2000);
        long burst = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(499, sequencer.Counters.MaxHeld);

        // The steady state after it, in order, reordered in windows of 16, and transient: nothing at all.
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 100; round++)
        {
            InOrder(sequencer, buffer, ref sequence, 1000);
            Reversed(sequencer, buffer, ref sequence, blocks: 64, blockSize: 16);
            Transient(sequencer, buffer, first: 2000 + (round * 1000), count: 1000);
        }

        long steady = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"burst: {burst:N0} bytes allocated; then 302,400 events: {steady} bytes");
        Assert.True(burst > 16 * 1024, $"The burst allocated {burst:N0} bytes: were the collections presized?");
        Assert.Equal(0, steady);
        Assert.Equal(sequence, sequencer.Cursor);
        Assert.Equal(0, sequencer.Counters.GapsDeclared);
    }

    [Fact]
    public void EventsHeldAndReleasedBehindOneThatKeepsWaitingDoNotGrowTheArrivalQueue()
    {
        // One event waits behind a hole throughout, so the hold buffer never empties, while others are held and
        // released a step later: each of those leaves a dead entry in the arrival queue, which compaction drops, so
        // once warm the churn allocates nothing. Without compaction the queue would grow with every event.
        var sequencer = new EventSequencer<object>(new SequencerOptions(), new FakeTimeProvider());
        Assert.Equal(SequencerDecision.Held, sequencer.Offer(default, 1_000_000_000, Payload));
        long cursor = 0;
        HeldThenReleased(sequencer, ref cursor, rounds: 1_000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        HeldThenReleased(sequencer, ref cursor, rounds: 20_000);
        long steady = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, steady);
        Assert.Equal(cursor, sequencer.Cursor);
        Assert.Equal(1, sequencer.HeldCount);
    }

    private static void HeldThenReleased(EventSequencer<object> sequencer, ref long cursor, int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            sequencer.Offer(default, cursor + 2, Payload);
            sequencer.Offer(default, cursor + 1, Payload);
            cursor += 2;
            while (sequencer.TryTake(out _))
            {
            }
        }
    }

    private static void InOrder(EventSequencer<object> sequencer, Span<byte> buffer, ref long sequence, int count)
    {
        for (int i = 0; i < count; i++)
        {
            sequence++;
            if (sequencer.Offer(Utf8Uuid(sequence, buffer), sequence, Payload) != SequencerDecision.Ready)
            {
                Assert.Fail($"Sequence {sequence} was not ready at once.");
            }

            Drain(sequencer, 1);
        }
    }

    private static void Reversed(EventSequencer<object> sequencer, Span<byte> buffer, ref long sequence, int blocks, int blockSize)
    {
        for (int block = 0; block < blocks; block++)
        {
            for (long offset = blockSize; offset >= 1; offset--)
            {
                long current = sequence + offset;
                SequencerDecision expected = offset == 1 ? SequencerDecision.Ready : SequencerDecision.Held;
                if (sequencer.Offer(Utf8Uuid(current, buffer), current, Payload) != expected)
                {
                    Assert.Fail($"Sequence {current} was not {expected}.");
                }
            }

            Drain(sequencer, blockSize);
            sequence += blockSize;
        }
    }

    private static void Transient(EventSequencer<object> sequencer, Span<byte> buffer, long first, int count)
    {
        for (long n = first; n < first + count; n++)
        {
            // Far from the permanent ids, in a window of their own.
            if (sequencer.Offer(Utf8Uuid((1L << 40) + n, buffer), null, Payload) != SequencerDecision.Ready)
            {
                Assert.Fail($"Transient event {n} was not ready at once.");
            }

            Drain(sequencer, 1);
        }
    }

    private static void Drain(EventSequencer<object> sequencer, int expected)
    {
        int taken = 0;
        while (sequencer.TryTake(out _))
        {
            taken++;
        }

        if (taken != expected)
        {
            Assert.Fail($"{taken} outputs were ready, not {expected}.");
        }
    }
}
