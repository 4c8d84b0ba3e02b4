using System.Threading;
using BenchmarkDotNet.Attributes;

namespace PolyChat.Protocol.Benchmarks;

/// <summary>The sequencer alone: ids precomputed, so this measures ordering and dedup, not parsing.</summary>
[MemoryDiagnoser]
public class SequencerBenchmarks
{
    // A power of two, so the id of a sequence is found with a mask, not a 64-bit division.
    public const int EventsPerOperation = 8192;

    private EventKey[] _ids = null!;
    private long[] _inOrder = null!;
    private long[] _reordered = null!;
    private object _event = null!;
    private EventSequencer<object> _sequencer = null!;
    private long _base;

    [GlobalSetup]
    public void Setup()
    {
        _ids = new EventKey[EventsPerOperation];
        _inOrder = new long[EventsPerOperation];
        _reordered = new long[EventsPerOperation];
        for (var i = 0; i < EventsPerOperation; i++)
        {
            _ids[i] = EventKey.FromString($"0190a3f1-1c22-7b10-8e4d-{i:x12}");
            _inOrder[i] = i + 1;
        }

        // Reverse every window of 16: the worst order within the window, every event but one held.
        for (var start = 0; start < EventsPerOperation; start += 16)
        {
            for (var j = 0; j < 16; j++)
            {
                _reordered[start + j] = start + 16 - j;
            }
        }

        _event = new object();
        _sequencer = new EventSequencer<object>(new SequencerOptions { GapTimeout = Timeout.InfiniteTimeSpan });
    }

    [Benchmark(OperationsPerInvoke = EventsPerOperation, Description = "sequencer in order")]
    public long InOrder() => Run(_inOrder);

    [Benchmark(OperationsPerInvoke = EventsPerOperation, Description = "sequencer reorder window 16")]
    public long ReorderedWindow16() => Run(_reordered);

    private long Run(long[] sequences)
    {
        // Each operation continues the same session, so the id windows stay warm and full.
        var sequencer = _sequencer;
        long taken = 0;
        for (var i = 0; i < sequences.Length; i++)
        {
            var sequence = _base + sequences[i];
            var id = _ids[(int)sequence & (EventsPerOperation - 1)];
            sequencer.Offer(id, sequence, _event);
            while (sequencer.TryTake(out var output))
            {
                taken += output.Sequence ?? 0;
            }
        }

        _base += sequences.Length;
        return taken;
    }
}
