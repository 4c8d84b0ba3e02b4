using System.Threading;
using BenchmarkDotNet.Attributes;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Benchmarks;

/// <summary>Rejecting a duplicate: peek the envelope and stop, or read the whole event first.</summary>
[MemoryDiagnoser]
public class PeekBenchmarks
{
    private EventSequencer<Event> _sequencer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sequencer = new EventSequencer<Event>(new SequencerOptions { GapTimeout = Timeout.InfiniteTimeSpan });
        var first = PolyChatJson.Read(Frames.Medium);
        _sequencer.Offer(EventKey.FromString(first.Id!), first.Sequence, first);
        while (_sequencer.TryTake(out _))
        {
        }
    }

    [Benchmark(Baseline = true, Description = "duplicate rejected after full read")]
    public bool FullRead()
    {
        var value = PolyChatJson.Read(Frames.Medium);
        return _sequencer.Check(EventKey.FromString(value.Id!), value.Sequence) == SequencerCheck.Duplicate;
    }

    [Benchmark(Description = "duplicate rejected on peek")]
    public bool Peek()
    {
        var envelope = PolyChatJson.PeekEnvelope(Frames.Medium);
        return _sequencer.Check(envelope.Id, envelope.Sequence) == SequencerCheck.Duplicate;
    }
}
