using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Attributes;
using PolyChat.Cli.Replay;

namespace PolyChat.Protocol.Benchmarks;

/// <summary>
/// <c>polychat replay</c> over a 100,000-event transcript held in memory, output discarded: the whole path
/// (line splitting, peek, typed read, sequencing, serialization of each delivered event).
/// </summary>
[MemoryDiagnoser]
public class ReplayBenchmarks
{
    public const int Events = 100_000;

    private byte[] _transcript = null!;

    /// <summary>The transcript's size, to turn ns/event into MB/s.</summary>
    public long TranscriptBytes => _transcript.Length;

    [GlobalSetup]
    public void Setup()
    {
        var medium = Encoding.UTF8.GetString(Frames.Medium);
        var lines = Enumerable.Range(1, Events).Select(i => medium
            .Replace("\"sequence\":10", $"\"sequence\":{i}", System.StringComparison.Ordinal)
            .Replace("7b2e1f0a6d23", $"{i:x12}", System.StringComparison.Ordinal));
        _transcript = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "replay 100k-event transcript")]
    public int Replay()
    {
        using var input = new MemoryStream(_transcript, writable: false);
        return new TranscriptReplayer(Stream.Null, TextWriter.Null, cursor: 0).Run(input);
    }
}
