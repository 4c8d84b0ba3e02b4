using System;
using System.Collections.Generic;
using System.Linq;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Streaming;
using PolyChat.Protocol.Tests.Support;
using Xunit;

namespace PolyChat.Protocol.Tests.Hostile;

/// <summary>
/// 100,000 damaged frames, deterministically generated from every valid test frame. No input may escape
/// as anything but <see cref="PolyChatJsonException"/>, and what is read must write back and read again the same.
/// The receive path (peek, sequencer, stream assembly) must absorb all of them and keep working.
/// </summary>
public sealed class MutationTests
{
    private const int Frames = 100_000;

    [Fact]
    public void NoMutatedFrameEscapesAsAnythingButTheDocumentedException()
    {
        var seeds = FrameFiles.Names(_ => true).Select(FrameFiles.Bytes).ToList();
        var mutator = new FrameMutator(seed: 20261126, seeds);
        var failures = new List<string>();
        var read = 0;
        var rejected = 0;

        for (var i = 0; i < Frames && failures.Count < 5; i++)
        {
            var frame = mutator.Next();
            try
            {
                var value = PolyChatJson.Read(frame);
                read++;
                var written = PolyChatJson.Write(value);
                var again = PolyChatJson.Write(PolyChatJson.Read(written));
                if (again != written)
                {
                    failures.Add($"#{i}: written form is not stable: {written} then {again}");
                }

                PolyChatJson.PeekEnvelope(frame);
            }
            catch (PolyChatJsonException error)
            {
                rejected++;
                if (error.BytePosition < 0 || error.BytePosition > frame.Length || string.IsNullOrEmpty(error.Reason))
                {
                    failures.Add($"#{i}: bad error location {error.BytePosition} of {frame.Length}: {error.Message}");
                }
            }
            catch (Exception exception)
            {
                failures.Add($"#{i}: {exception.GetType().Name}: {exception.Message}\n  input (base64): {Convert.ToBase64String(frame)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(Frames, read + rejected);
        Assert.InRange(read, 1, Frames - 1);
    }

    [Fact]
    public void TheReceivePathAbsorbsMutatedFramesAndStillDeliversValidOnes()
    {
        var seeds = FrameFiles.Names(name => name.StartsWith("EVENT_TYPE_", StringComparison.Ordinal)).Select(FrameFiles.Bytes).ToList();
        var mutator = new FrameMutator(seed: 7, seeds);
        var receiver = new EventReceiver(new SequencerOptions { MaxHeldEvents = 64 });
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { MaxOpenMessages = 4, MaxTextLength = 4096 });

        for (var i = 0; i < 20_000; i++)
        {
            receiver.Receive(mutator.Next(), out _);
            Feed(receiver, assembler);
            Assert.True(receiver.Counters.Held <= 64);
            Assert.True(assembler.OpenMessages <= 4);
        }

        // After all that, a valid in-order frame after the cursor is still delivered.
        var next = receiver.Cursor + 1;
        var frame = $"{{\"id\":\"after-the-storm\",\"sequence\":{next},\"timestamp\":\"2026-05-20T09:15:40Z\",\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{{}}}}";
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(System.Text.Encoding.UTF8.GetBytes(frame), out _));
        var delivered = receiver.Drain().Where(o => o.Kind == SequencerOutputKind.Event).Select(o => o.Event).ToList();

        Assert.Contains(delivered, e => e.Id == "after-the-storm");
    }

    /// <summary>Takes what the receiver has (<see cref="SequencerOutputs.Drain(EventReceiver)"/>) into the assembler, dropping abandoned reports.</summary>
    private static void Feed(EventReceiver receiver, MessageStreamAssembler assembler)
    {
        foreach (var output in receiver.Drain())
        {
            if (output.Kind == SequencerOutputKind.Event && output.Event is PolyAgentMessageChunkEvent chunk)
            {
                assembler.Add(chunk, out _);
            }
        }

        while (assembler.TryTakeAbandoned(out _))
        {
        }
    }
}
