using System;
using System.Globalization;

namespace PolyChat.Protocol.Benchmarks;

/// <summary>
/// <c>--quick</c>: the comparisons that matter, each measured ours-against-theirs in alternating rounds
/// (<see cref="InterleavedComparison"/>), printed as <c>ratio &lt;name&gt; &lt;ours ÷ theirs&gt; spread &lt;p25&gt;..&lt;p75&gt;</c>
/// lines (below 1 means we are faster or smaller), plus <c>metric</c> lines, for scripts. The full
/// BenchmarkDotNet suite gives the detailed tables.
/// </summary>
public static class QuickRun
{
    public static int Run()
    {
        var read = new ReadBenchmarks { Frame = "medium" };
        read.Setup();
        var write = new WriteBenchmarks();
        write.Setup();
        var peek = new PeekBenchmarks();
        peek.Setup();

        var readVsStrings = InterleavedComparison.Compare("read-vs-floor-with-strings", read.PolyChat, read.ReaderAndStrings);
        Print(readVsStrings);
        var readVsStj = InterleavedComparison.Compare("read-vs-stj-type-first", read.PolyChat, read.StjTypeFirst);
        Print(readVsStj);
        Print(InterleavedComparison.Compare("read-vs-stj-type-last", read.PolyChat, read.StjTypeLast));
        Print(InterleavedComparison.Compare("read-vs-newtonsoft", read.PolyChat, read.Newtonsoft));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio read-bytes-vs-stj-type-first {readVsStj.BytesRatio:F3} ours-bytes {readVsStj.OursBytes:F0} theirs-bytes {readVsStj.TheirsBytes:F0}"));
        var writes = InterleavedComparison.Compare("write-vs-stj", write.PolyChat, write.Stj);
        Print(writes);
        Print(InterleavedComparison.Compare("peek-vs-full-read", peek.Peek, peek.FullRead));

        var sequencer = new SequencerBenchmarks();
        sequencer.Setup();
        PrintMetric("SequencerBenchmarks.InOrder", InterleavedComparison.Measure(sequencer.InOrder), SequencerBenchmarks.EventsPerOperation);
        PrintMetric("SequencerBenchmarks.ReorderedWindow16", InterleavedComparison.Measure(sequencer.ReorderedWindow16), SequencerBenchmarks.EventsPerOperation);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"metric write-bytes-per-message {writes.OursBytes:F1}"));

        var replay = new ReplayBenchmarks();
        replay.Setup();
        var (replayNanoseconds, _) = InterleavedComparison.Measure(replay.Replay, rounds: 3);
        var nsPerEvent = replayNanoseconds / ReplayBenchmarks.Events;
        var megabytesPerSecond = replay.TranscriptBytes / (replayNanoseconds / 1e9) / 1e6;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"metric replay-events-per-second {1e9 / nsPerEvent:F0} replay-megabytes-per-second {megabytesPerSecond:F1}"));
        return 0;
    }

    private static void Print(InterleavedComparison.Result result) => Console.WriteLine(result.Line);

    private static void PrintMetric(string name, (double Nanoseconds, double Bytes) measured, int eventsPerOperation) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"metric {name}-events-per-second {1e9 * eventsPerOperation / measured.Nanoseconds:F0} bytes-per-event {measured.Bytes / eventsPerOperation:F1}"));
}
