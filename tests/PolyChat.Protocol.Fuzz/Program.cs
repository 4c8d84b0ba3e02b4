using System.IO;
using SharpFuzz;

namespace PolyChat.Protocol.Fuzz;

/// <summary>AFL++ entry point over <see cref="FuzzTarget.Run"/>; anything escaping it is a crash, hangs are AFL++'s timeouts.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length == 1)
        {
            // Replay one saved input outside AFL++ (a crash or a corpus file) to debug it.
            FuzzTarget.Run(File.ReadAllBytes(args[0]));
            return;
        }

        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            FuzzTarget.Run(memory.ToArray());
        });
    }
}
