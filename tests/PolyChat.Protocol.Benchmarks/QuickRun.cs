using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace PolyChat.Protocol.Benchmarks;

/// <summary>
/// <c>--quick</c>: a short in-process run of the comparisons that matter, printed as
/// <c>ratio &lt;name&gt; &lt;ours ÷ theirs&gt;</c> lines (below 1 means we are faster or smaller) for scripts.
/// </summary>
public static class QuickRun
{
    public static int Run()
    {
        var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("quick");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(new ConsoleLogger())
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddFilter(new SimpleFilter(b => Parameter(b, "Frame") is null or "medium"))
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);

        var summaries = BenchmarkRunner.Run(new[] { typeof(ReadBenchmarks), typeof(WriteBenchmarks), typeof(PeekBenchmarks), typeof(SequencerBenchmarks), typeof(ReplayBenchmarks) }, config);
        var results = summaries.SelectMany(s => s.Reports)
            .Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => $"{r.BenchmarkCase.Descriptor.Type.Name}.{r.BenchmarkCase.Descriptor.WorkloadMethod.Name}", r => r);

        var lines = new List<string>
        {
            Ratio(results, "read-vs-floor-with-strings", "ReadBenchmarks.PolyChat", "ReadBenchmarks.ReaderAndStrings"),
            Ratio(results, "read-vs-stj-type-first", "ReadBenchmarks.PolyChat", "ReadBenchmarks.StjTypeFirst"),
            Ratio(results, "read-vs-stj-type-last", "ReadBenchmarks.PolyChat", "ReadBenchmarks.StjTypeLast"),
            Ratio(results, "read-vs-newtonsoft", "ReadBenchmarks.PolyChat", "ReadBenchmarks.Newtonsoft"),
            BytesRatio(results, "read-bytes-vs-stj-type-first", "ReadBenchmarks.PolyChat", "ReadBenchmarks.StjTypeFirst"),
            Ratio(results, "write-vs-stj", "WriteBenchmarks.PolyChat", "WriteBenchmarks.Stj"),
            Ratio(results, "peek-vs-full-read", "PeekBenchmarks.Peek", "PeekBenchmarks.FullRead"),
        };

        Console.WriteLine();
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }

        foreach (var name in new[] { "SequencerBenchmarks.InOrder", "SequencerBenchmarks.ReorderedWindow16" })
        {
            if (results.TryGetValue(name, out var report))
            {
                var perSecond = 1e9 / report.ResultStatistics!.Mean;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"metric {name}-events-per-second {perSecond:F0} bytes-per-event {Bytes(report):F1}"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"metric write-bytes-per-message {Bytes(results["WriteBenchmarks.PolyChat"]):F1}"));
        if (results.TryGetValue("ReplayBenchmarks.Replay", out var replay))
        {
            var benchmark = new ReplayBenchmarks();
            benchmark.Setup();
            var nsPerEvent = replay.ResultStatistics!.Mean;
            var megabytesPerSecond = benchmark.TranscriptBytes / (nsPerEvent * ReplayBenchmarks.Events / 1e9) / 1e6;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"metric replay-events-per-second {1e9 / nsPerEvent:F0} replay-megabytes-per-second {megabytesPerSecond:F1}"));
        }
        return 0;
    }

    private static string Ratio(Dictionary<string, BenchmarkReport> results, string name, string ours, string theirs) =>
        string.Create(CultureInfo.InvariantCulture, $"ratio {name} {results[ours].ResultStatistics!.Mean / results[theirs].ResultStatistics!.Mean:F3}");

    private static string BytesRatio(Dictionary<string, BenchmarkReport> results, string name, string ours, string theirs) =>
        string.Create(CultureInfo.InvariantCulture, $"ratio {name} {Bytes(results[ours]) / Math.Max(1, Bytes(results[theirs])):F3}");

    private static double Bytes(BenchmarkReport report) =>
        report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? double.NaN;

    private static string? Parameter(BenchmarkCase benchmark, string name) =>
        benchmark.Parameters.Items.FirstOrDefault(p => p.Name == name)?.Value?.ToString();
}
