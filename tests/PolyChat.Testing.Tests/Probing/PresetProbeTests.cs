using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PolyChat.Testing.Probing;
using Xunit;

namespace PolyChat.Testing.Tests.Probing;

/// <summary>
/// The probe against the simulator under every preset: the report must name the preset's answer on every point
/// the preset varies, and the profile built from the report must equal the preset on every knob, except where one
/// answer hides another (a repeated SESSION_START makes every resume non-empty, so the empty-batch point cannot be
/// decided, and is not).
/// </summary>
public sealed class PresetProbeTests
{
    public static TheoryData<string> Presets() => [.. ServerBehavior.Presets.Select(p => p.Name)];

    /// <summary>The knobs the probe reads, with the point that decides each.</summary>
    private static readonly (string Knob, string Point, Func<ServerBehavior, object> Read)[] Knobs =
    [
        ("SplitHistoryBatches", ProbePointIds.HistoryBatches, b => b.SplitHistoryBatches),
        ("EmptyBatchWhenNothingNew", ProbePointIds.EmptyBatch, b => b.EmptyBatchWhenNothingNew),
        ("RepeatSessionStartOnResume", ProbePointIds.SessionStartOnResume, b => b.RepeatSessionStartOnResume),
        ("SequenceHoleRate", ProbePointIds.SequenceContiguity, b => b.SequenceHoleRate),
        ("ErrorsHaveSequence", ProbePointIds.ErrorSequence, b => b.ErrorsHaveSequence),
        ("SendSessionEndBeforeClose", ProbePointIds.SessionEnd, b => b.SendSessionEndBeforeClose),
        ("UnknownSessionCloses4001", ProbePointIds.EndedSessionHandshake, b => b.UnknownSessionCloses4001),

        // A rate cannot be measured in a short run: the probe says whether drops happen (see Drops below).
        ("DropRate", ProbePointIds.AbruptDrops, b => b.DropRate > 0),
        ("LenientShapesInReplay", ProbePointIds.ReplayShapes, b => b.LenientShapesInReplay),
        ("MaxBatchSize", ProbePointIds.HistoryBatches, b => b.SplitHistoryBatches ? b.MaxBatchSize : 0),
    ];

    [Theory]
    [MemberData(nameof(Presets))]
    public async Task TheReportIdentifiesThePresetItsProfileEqualsItAndTheFixedAnswersShow(string name)
    {
        var preset = Drops(ServerBehavior.FromName(name, seed: 17));

        var report = await ProbeHarness.RunAsync(preset);
        var profile = ServerBehavior.FromProbeReport(report.ToJson());

        Assert.True(report.Completed, report.StoppedBecause);
        Assert.True(report.SessionEnded);
        Assert.Equal(ProbePointIds.All, report.Points.Select(p => p.Id));
        var hidden = Hidden(preset);
        foreach (var (knob, point, read) in Knobs)
        {
            var decided = report.Find(point)!;
            if (hidden.Contains(point))
            {
                Assert.False(decided.IsDecided, $"{point} should be undecided under {name}: {decided.Observed}");
                continue;
            }

            if (!read(preset).Equals(read(ServerBehavior.Default)))
            {
                Assert.True(decided.IsDecided, $"{point} varies under {name} but is undecided: {decided.Observed}");
            }

            Assert.True(read(preset).Equals(read(profile)), $"{knob}: preset {read(preset)}, profile {read(profile)} ({point}: {decided.Answer}, {decided.Observed})");
        }

        // The points no preset varies: the simulator's one answer to each.
        var expected = new Dictionary<string, string>
        {
            [ProbePointIds.Capabilities] = "reported",
            [ProbePointIds.BatchWrapper] = "bare",
            [ProbePointIds.HeartbeatEchoSequence] = "sequenced",
            [ProbePointIds.MetadataInReplay] = "kept",
            [ProbePointIds.StreamedReplay] = "chunks",
            [ProbePointIds.DroppedBeforeEcho] = "processed",
            [ProbePointIds.DuplicateClientEventId] = "processed-twice",
            [ProbePointIds.OversizedFrame] = "error",
            [ProbePointIds.ExpiredSession] = ProbePoint.Undecided,

            // The simulator allows 10, above the probe's cap of 8.
            [ProbePointIds.ConnectionLimit] = ProbePoint.Undecided,
        };
        foreach (var (point, answer) in expected)
        {
            Assert.True(answer == report.Find(point)!.Answer, $"{point}: {report.Find(point)!.Answer} ({report.Find(point)!.Observed})");
        }

        // A drop can take the private error with it; without drops the order always shows.
        if (preset.DropRate == 0)
        {
            Assert.Equal("echo-first", report.Find(ProbePointIds.EchoBeforeAgentError)!.Answer);
        }

        Assert.Equal("8", report.Find(ProbePointIds.ConnectionLimit)!.Values["at_least"]);
        Assert.Equal("Message too large", report.Find(ProbePointIds.OversizedFrame)!.Values["message"]);
    }

    // Drops at the presets' rate fall or not with how many live events meet an open socket; at rate 1 the first
    // live events are each preceded by one, up to MaxDropsPerSession, so the row shows them in every run.
    private static ServerBehavior Drops(ServerBehavior behavior) => behavior.DropRate > 0 ? behavior with { DropRate = 1 } : behavior;

    // Answers another answer hides from any client.
    private static HashSet<string> Hidden(ServerBehavior behavior) =>
        behavior.RepeatSessionStartOnResume ? [ProbePointIds.EmptyBatch] : [];
}
