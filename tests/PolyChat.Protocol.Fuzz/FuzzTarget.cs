using System;
using System.Collections.Generic;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Streaming;

namespace PolyChat.Protocol.Fuzz;

/// <summary>
/// What the fuzzer runs on each input, shared with the corpus regression test. The input is split on newlines
/// into frames and run through everything that reads network data: peek, typed read, write-back and re-read,
/// then the whole sequence through the receiver and stream assembly. The only exception the library may let
/// out is <see cref="PolyChatJsonException"/>, which is caught here; anything else escapes and is a finding.
/// </summary>
public static class FuzzTarget
{
    /// <summary>Runs one input; returns normally unless it found a bug.</summary>
    /// <param name="input">Newline-separated frames.</param>
    public static void Run(byte[] input)
    {
        var receiver = new EventReceiver(new SequencerOptions { MaxHeldEvents = 16, TransientIdWindow = 16, DeliveredIdWindow = 16 });
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { MaxOpenMessages = 4, MaxTextLength = 1 << 16, MaxHeldChunks = 16 });
        foreach (var frame in Frames(input))
        {
            ReadAndWriteBack(frame);
            receiver.Receive(frame, out _);
            while (receiver.TryTake(out var output))
            {
                if (output.Kind == SequencerOutputKind.Event && output.Event is PolyAgentMessageChunkEvent chunk
                    && assembler.Add(chunk, out var message) == ChunkResult.Applied && message!.IsComplete)
                {
                    PolyChatJson.Write(message.ToMessageEvent());
                }
            }
        }

        receiver.Flush();
        while (receiver.TryTake(out _))
        {
        }

        assembler.Flush();
    }

    private static void ReadAndWriteBack(ReadOnlySpan<byte> frame)
    {
        try
        {
            PolyChatJson.PeekEnvelope(frame);
        }
        catch (PolyChatJsonException)
        {
        }

        Event value;
        try
        {
            value = PolyChatJson.Read(frame);
        }
        catch (PolyChatJsonException)
        {
            return;
        }

        // What was read must write back and read again to the same text.
        var written = PolyChatJson.Write(value);
        if (PolyChatJson.Write(PolyChatJson.Read(written)) != written)
        {
            throw new InvalidOperationException("The written form of an event is not stable: " + written);
        }
    }

    private static IEnumerable<byte[]> Frames(byte[] input)
    {
        var start = 0;
        for (var i = 0; i <= input.Length; i++)
        {
            if (i == input.Length || input[i] == (byte)'\n')
            {
                if (i > start)
                {
                    yield return input[start..i];
                }

                start = i + 1;
            }
        }
    }
}
