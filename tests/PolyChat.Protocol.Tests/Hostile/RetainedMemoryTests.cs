using System;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Streaming;
using PolyChat.Protocol.Tests.Receiving;
using Xunit;
using Xunit.Abstractions;
using static PolyChat.Protocol.Tests.Streaming.MessageStreamAssemblerTests;

namespace PolyChat.Protocol.Tests.Hostile;

/// <summary>
/// Hostile streams against each buffer's bound: the structure stays at its configured size, and the memory still
/// reachable after the flood (measured with a full GC) is a small constant however much the flood allocated.
/// Serial, because <see cref="GC.GetTotalMemory(bool)"/> sees every thread's allocations.
/// </summary>
[Collection(Name)]
public sealed class RetainedMemoryTests(ITestOutputHelper output)
{
    public const string Name = "Retained memory (serial)";

    // Generous against GC bookkeeping noise, and far below what any of the floods would keep if a bound leaked.
    private const long RetainedLimit = 2 << 20;

    [Fact]
    public void StreamedMessagesThatNeverCompleteAreBoundedByTheOpenMessageLimit()
    {
        var options = new StreamAssemblyOptions { MaxOpenMessages = 8 };
        var assembler = new MessageStreamAssembler(options, new FakeTimeProvider());
        var text = new string('x', 200);

        // 100,000 messages that each send one chunk and are never heard of again: ~60 MB allocated on the way.
        long retained = Retained(() =>
        {
            for (int i = 0; i < 100_000; i++)
            {
                assembler.Add(Chunk("m" + i.ToString(CultureInfo.InvariantCulture), 1, text), out _);
                if (assembler.OpenMessages > options.MaxOpenMessages)
                {
                    Assert.Fail($"{assembler.OpenMessages} messages open after chunk {i}.");
                }
            }
        });

        output.WriteLine($"100,000 never-completed messages: {retained:N0} bytes retained, {assembler.OpenMessages} open, {assembler.AbandonedCount:N0} abandoned");
        Assert.True(retained < RetainedLimit, $"{retained:N0} bytes retained");
        Assert.Equal(100_000 - options.MaxOpenMessages, assembler.AbandonedCount);
        Assert.Equal(options.MaxOpenMessages, CountAbandonedReports(assembler));
    }

    [Fact]
    public void TextThatNeverEndsAndChunksThatNeverFillAreBoundedPerMessage()
    {
        var options = new StreamAssemblyOptions { MaxOpenMessages = 4, MaxTextLength = 4096, MaxHeldChunks = 16 };
        var assembler = new MessageStreamAssembler(options, new FakeTimeProvider());
        var text = new string('y', 100);

        long retained = Retained(() =>
        {
            for (int message = 0; message < 1_000; message++)
            {
                // Half the messages stream text past the limit in order; the other half never send chunk 1.
                string id = "m" + message.ToString(CultureInfo.InvariantCulture);
                long first = message % 2 == 0 ? 1 : 2;
                for (long index = first; index < first + 50; index++)
                {
                    assembler.Add(Chunk(id, index, text), out var open);
                    if (open is { } current && (current.TextLength > options.MaxTextLength || current.HeldChunks > options.MaxHeldChunks))
                    {
                        Assert.Fail($"Message {id} holds {current.TextLength} chars and {current.HeldChunks} chunks.");
                    }
                }
            }
        });

        output.WriteLine($"1,000 messages of 50 chunks each: {retained:N0} bytes retained, {assembler.AbandonedCount:N0} abandoned");
        Assert.True(retained < RetainedLimit, $"{retained:N0} bytes retained");
        Assert.Equal(1_000, assembler.AbandonedCount);
        Assert.Equal(0, assembler.OpenMessages);
    }

    [Fact]
    public void FramesFarAheadOfTheCursorAreBoundedByTheHeldLimit()
    {
        const int MaxHeld = 256;
        var receiver = new EventReceiver(new SequencerOptions { MaxHeldEvents = MaxHeld }, new FakeTimeProvider());
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(ReceiverFrames.Message(1)));
        receiver.Drain();

        // Sequences 2^40 and up, every other one missing: each frame past the limit declares a gap.
        long retained = Retained(() =>
        {
            for (long i = 0; i < 50_000; i++)
            {
                long sequence = (1L << 40) + (2 * i);
                receiver.Receive(ReceiverFrames.Message(sequence, ReceiverFrames.Id(sequence)));
                while (receiver.TryTake(out _))
                {
                }
            }
        });

        output.WriteLine($"50,000 frames far ahead: {retained:N0} bytes retained, {receiver.Counters.GapsDeclared:N0} gaps, max held {receiver.Counters.MaxHeld}");
        Assert.True(retained < RetainedLimit, $"{retained:N0} bytes retained");
        Assert.Equal(MaxHeld, receiver.Counters.MaxHeld);
        Assert.True(receiver.Counters.GapsDeclared > 0);
    }

    [Fact]
    public void DistinctTransientIdsAndInvalidFramesRetainNothingBeyondTheIdWindow()
    {
        var receiver = new EventReceiver(new SequencerOptions { TransientIdWindow = 1024 }, new FakeTimeProvider());
        var invalid = Encoding.UTF8.GetBytes("{\"id\":\"x\",\"type\":\"EVENT_TYPE_USER_MESSAGE\",\"payload\":{\"text\":");

        long retained = Retained(() =>
        {
            for (int i = 0; i < 50_000; i++)
            {
                Assert.Equal(FrameOutcome.Accepted, receiver.Receive(ReceiverFrames.Typing("agent", 1_000_000 + i)));
                Assert.Equal(FrameOutcome.Invalid, receiver.Receive(invalid, out _));
                while (receiver.TryTake(out _))
                {
                }
            }
        });

        output.WriteLine($"50,000 transient ids and 50,000 invalid frames: {retained:N0} bytes retained");
        Assert.True(retained < RetainedLimit, $"{retained:N0} bytes retained");
        Assert.Equal(50_000, receiver.InvalidFrames);

        // Still working: the next permanent event is delivered.
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(ReceiverFrames.Message(1)));
        Assert.True(receiver.TryTake(out var delivered));
        Assert.Equal(1, delivered.Sequence);
    }

    /// <summary>Bytes still reachable after <paramref name="flood"/> than before it, both after a full collection.</summary>
    private static long Retained(Action flood)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        flood();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        return after - before;
    }

    private static int CountAbandonedReports(MessageStreamAssembler assembler)
    {
        int count = 0;
        while (assembler.TryTakeAbandoned(out _))
        {
            count++;
        }

        return count;
    }
}

/// <summary>The retained-memory tests run alone: a full GC's count includes every thread's live objects.</summary>
[CollectionDefinition(RetainedMemoryTests.Name, DisableParallelization = true)]
public sealed class RetainedMemoryCollection
{
}
