using System;
using System.IO;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;
using SharpFuzz;

namespace PolyChat.Protocol.Fuzz;

/// <summary>
/// AFL++ entry point. Each input is split on newlines into frames and run through everything that reads
/// network data: peek, typed read, write-back and re-read, then the whole sequence through the receiver
/// and stream assembly. The only exception allowed out of the library is <see cref="PolyChatJsonException"/>;
/// anything else escapes here and AFL++ records it as a crash. Hangs are AFL++'s timeouts.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length == 1)
        {
            // Replay one saved input outside AFL++ (a crash or a corpus file) to debug it.
            Run(File.ReadAllBytes(args[0]));
            return;
        }

        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            Run(memory.ToArray());
        });
    }

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

    private static System.Collections.Generic.IEnumerable<byte[]> Frames(byte[] input)
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
