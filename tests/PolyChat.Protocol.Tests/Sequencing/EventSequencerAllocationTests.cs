using System;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Sequencing;
using Xunit;
using Xunit.Abstractions;
using static PolyChat.Protocol.Tests.TestIds;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// Memory bounds, measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/>. Each test warms
/// the code paths first so that JIT and first-use costs are not counted.
/// </summary>
public class EventSequencerAllocationTests(ITestOutputHelper output)
{
    private static readonly object Payload = new();

    [Fact]
    public void InOrderSteadyStateAllocatesNothing()
    {
        const int Count = 100_000;
        var ids = new EventKey[(3 * Count) + 1000];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = Uuid(i + 1);
        }

        var sequencer = new EventSequencer<object>(new SequencerOptions(), new FakeTimeProvider());
        long sequence = 0;
        OfferInOrder(sequencer, ids, ref sequence, 1000);

        long allocated = AllocationMeter.Least(() => OfferInOrder(sequencer, ids, ref sequence, Count));

        output.WriteLine($"{Count:N0} in-order Check+Offer+TryTake: {allocated} bytes allocated");
        Assert.Equal(0, allocated);
        Assert.Equal((3 * Count) + 1000, sequencer.Cursor);
    }

    [Fact]
    public void TransientSteadyStateAllocatesNothing()
    {
        const int Count = 100_000;
        var sequencer = new EventSequencer<object>(new SequencerOptions(), new FakeTimeProvider());
        Span<byte> buffer = stackalloc byte[36];
        OfferTransient(sequencer, 0, 2048, buffer);

        int start = 2048;
        long allocated = AllocationMeter.Least(() =>
        {
            Span<byte> id = stackalloc byte[36];
            OfferTransient(sequencer, start, Count, id);
            start += Count;
        });

        output.WriteLine($"{Count:N0} transient Check+Offer+TryTake: {allocated} bytes allocated");
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void AMillionDistinctTransientIdsKeepMemoryBounded()
    {
        const int Count = 1_000_000;
        var sequencer = new EventSequencer<object>(new SequencerOptions(), new FakeTimeProvider());
        Span<byte> buffer = stackalloc byte[36];
        OfferTransient(sequencer, 0, 4096, buffer);

        long before = GC.GetAllocatedBytesForCurrentThread();
        OfferTransient(sequencer, 4096, Count, buffer);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{Count:N0} distinct transient ids: {allocated} bytes allocated");
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated");

        // The window still works at the end: the newest ids are remembered, older ones forgotten.
        int last = 4096 + Count - 1;
        Assert.Equal(SequencerCheck.Duplicate, sequencer.Check(Utf8Uuid(last, buffer), null));
        Assert.Equal(SequencerCheck.Duplicate, sequencer.Check(Utf8Uuid(last - 1023, buffer), null));
        Assert.Equal(SequencerCheck.Accept, sequencer.Check(Utf8Uuid(last - 1024, buffer), null));
        Assert.Equal(4096 + Count, sequencer.Counters.Delivered);
    }

    [Fact]
    public void TextIdsAllocateTheirStringsOnly()
    {
        // Ids that are not canonical UUIDs are kept as strings (EventKey's documented cost): a key made
        // from UTF-8 allocates its string, and nothing else is allocated per event.
        const int Count = 100_000;
        var sequencer = new EventSequencer<object>(new SequencerOptions(), new FakeTimeProvider());
        Span<byte> buffer = stackalloc byte[32];
        OfferTransient(sequencer, 0, 2048, buffer, Utf8);
        long expected = 0;
        for (int n = 2048; n < 2048 + Count; n++)
        {
            expected += Utf8(n, buffer).ToString().Length;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        OfferTransient(sequencer, 2048, Count, buffer, Utf8);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A string is a 20-byte header and length, two bytes a character and a terminator, rounded up to 8 bytes.
        output.WriteLine($"{Count:N0} transient text ids ({expected:N0} characters): {allocated:N0} bytes allocated");
        Assert.True(allocated <= (Count * 32L) + (2 * expected), $"{allocated} bytes allocated");
        Assert.True(allocated >= Count * 24L, $"{allocated} bytes allocated: the strings are not counted");
    }

    [Fact]
    public void SequenceJumpsKeepMemoryBounded()
    {
        const int MaxHeld = 64;
        const long Far = 1L << 62;
        var sequencer = new EventSequencer<object>(new SequencerOptions { MaxHeldEvents = MaxHeld }, new FakeTimeProvider());
        sequencer.Offer(Uuid(1), 1, Payload);

        // Every other sequence far above the cursor: each offer past the limit declares a one-wide
        // gap, so the hold, gap and release paths all run. The first round warms them up.
        long next = Far;
        OfferSparse(sequencer, ref next, 2 * MaxHeld, MaxHeld);

        long before = GC.GetAllocatedBytesForCurrentThread();
        OfferSparse(sequencer, ref next, 10_000, MaxHeld);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"10,000 offers around 2^62 with {MaxHeld} held: {allocated} bytes allocated, max held {sequencer.Counters.MaxHeld}");
        Assert.True(allocated < 1024, $"{allocated} bytes allocated");
        Assert.Equal(MaxHeld, sequencer.Counters.MaxHeld);
        Assert.True(sequencer.Cursor > Far);
    }

    private static void OfferInOrder(EventSequencer<object> sequencer, EventKey[] ids, ref long sequence, int count)
    {
        for (int i = 0; i < count; i++)
        {
            sequence++;
            EventKey id = ids[sequence - 1];
            if (sequencer.Check(id, sequence) != SequencerCheck.Accept
                || sequencer.Offer(id, sequence, Payload) != SequencerDecision.Ready
                || !sequencer.TryTake(out SequencerOutput<object> taken)
                || taken.Sequence != sequence)
            {
                Assert.Fail($"Sequence {sequence} was not delivered at once.");
            }
        }
    }

    private static void OfferTransient(EventSequencer<object> sequencer, int first, int count, Span<byte> buffer, KeyMaker? key = null)
    {
        for (int n = first; n < first + count; n++)
        {
            EventKey id = key is null ? Utf8Uuid(n, buffer) : key(n, buffer);
            if (sequencer.Check(id, null) != SequencerCheck.Accept
                || sequencer.Offer(id, null, Payload) != SequencerDecision.Ready
                || !sequencer.TryTake(out _))
            {
                Assert.Fail($"Transient event {n} was not delivered at once.");
            }
        }
    }

    private static void OfferSparse(EventSequencer<object> sequencer, ref long next, int count, int maxHeld)
    {
        for (int i = 0; i < count; i++)
        {
            sequencer.Offer(default, next, Payload);
            next += 2;
            while (sequencer.TryTake(out _))
            {
            }

            if (sequencer.HeldCount > maxHeld)
            {
                Assert.Fail("Held more than the limit.");
            }
        }
    }

    private delegate EventKey KeyMaker(long n, Span<byte> buffer);
}
