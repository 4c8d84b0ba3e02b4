using System.IO;
using System.Linq;
using System.Text.Json;
using PolyChat.Protocol.Tests;
using Xunit;

namespace PolyChat.Cli.Tests;

/// <summary>The <c>polychat replay</c> command: a transcript read back in sequence order, from a cursor, with its errors (not the protocol's replay on reconnect, which the simulator tests cover).</summary>
public sealed class ReplayCommandTests
{
    private static string Frame(int sequence, string type = "EVENT_TYPE_HEARTBEAT", string payload = "{}", string? id = null) =>
        $"{{\"id\":\"{id ?? Id(sequence)}\",\"sequence\":{sequence},\"timestamp\":\"2026-05-20T09:15:0{sequence % 10}Z\",\"type\":\"{type}\",\"payload\":{payload}}}";

    private static string Id(int n) => TestIds.UuidText(n);

    private static long[] Sequences(CliResult result) =>
        result.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sequence").GetInt64()).ToArray();

    [Fact]
    public void DeliversEachEventOnceInSequenceOrder()
    {
        var input = string.Join("\n", Frame(2), Frame(1), Frame(1), Frame(3), Frame(2));
        var result = CliResult.Run(input, "replay", "-");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new long[] { 1, 2, 3 }, Sequences(result));
    }

    [Fact]
    public void ReadsAFileArgument()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, Frame(1) + "\r\n\r\n   \n" + Frame(2) + "\n");
        try
        {
            var result = CliResult.Run(string.Empty, "replay", path);
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(new long[] { 1, 2 }, Sequences(result));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FlattensBatchesInSequenceOrderWithTransientLast()
    {
        var transient = "{\"id\":\"t-1\",\"sequence\":null,\"type\":\"EVENT_TYPE_LIVE_AGENT_TYPING\",\"payload\":{\"state\":\"TYPING_STATE_STARTED\"}}";
        var batch = $"{{\"type\":\"EVENT_TYPE_EVENT_BATCH\",\"payload\":{{\"events\":[{transient},{Frame(2)},{Frame(1)}]}}}}";
        var result = CliResult.Run(batch, "replay");

        Assert.Equal(0, result.ExitCode);
        var types = result.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).ToArray();
        Assert.Equal(new[] { "EVENT_TYPE_HEARTBEAT", "EVENT_TYPE_HEARTBEAT", "EVENT_TYPE_LIVE_AGENT_TYPING" }, types);
    }

    [Fact]
    public void WritesTheFullEnvelopeAndKeepsUnknownTypesAndFields()
    {
        var unknown = $"{{\"id\":\"{Id(1)}\",\"sequence\":1,\"timestamp\":\"2026-05-20T09:15:00Z\",\"type\":\"EVENT_TYPE_FUTURE\",\"payload\":{{\"x\":[1,{{\"y\":null}}]}},\"extra\":true,\"metadata\":{{\"custom\":{{\"k\":\"v\"}}}}}}";
        var known = Frame(2, "EVENT_TYPE_SYSTEM_MESSAGE", "{\"level\":\"SYSTEM_MESSAGE_LEVEL_DEBUG\",\"message\":\"m\",\"new_field\":{\"a\":1}}");
        var result = CliResult.Run(unknown + "\n" + known, "replay");

        Assert.Equal(0, result.ExitCode);
        JsonSemantics.AssertEquivalent(unknown, result.StdoutLines[0]);
        JsonSemantics.AssertEquivalent(known, result.StdoutLines[1]);
    }

    [Theory]
    [InlineData("not json", "line 2")]
    [InlineData("[1]", "line 2")]
    [InlineData("{\"id\":\"x\",\"sequence\":7}", "line 2")]
    [InlineData("{\"type\":3,\"payload\":{}}", "line 2")]
    [InlineData("{\"id\":\"q\",\"sequence\":2,\"type\":\"EVENT_TYPE_USER_MESSAGE\",\"payload\":{}}", "'text'")]
    public void RejectedLinesAreReportedWithTheirNumberAndProcessingGoesOn(string bad, string expected)
    {
        var result = CliResult.Run(Frame(1) + "\n" + bad + "\n" + Frame(2), "replay");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(new long[] { 1, 2 }, Sequences(result));
        var report = Assert.Single(result.StderrLines, l => l.StartsWith("line ", System.StringComparison.Ordinal));
        Assert.StartsWith("line 2: ", report);
        Assert.Contains(expected, report);
    }

    [Fact]
    public void ABatchWithABadMiddleEventDeliversTheRestAndReportsTheBadOne()
    {
        // PROTOCOL.md §4c: each inner event is complete on its own, so one bad event must not lose the batch; its
        // readable sequence (2) was sent, so no gap is declared for it (our reading of §1b).
        var bad = Frame(2, "EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK", "{}");
        var batch = $"{{\"type\":\"EVENT_TYPE_EVENT_BATCH\",\"payload\":{{\"events\":[{Frame(1)},{bad},{Frame(3)}]}}}}";

        var result = CliResult.Run(batch, "replay");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(new long[] { 1, 3 }, Sequences(result));
        var report = Assert.Single(result.StderrLines, l => l.StartsWith("line ", System.StringComparison.Ordinal));
        Assert.StartsWith("line 1: batch event 1: ", report);
        Assert.Contains("$.payload.events[1].payload", report);
        Assert.DoesNotContain(result.StderrLines, l => l.StartsWith("gap:", System.StringComparison.Ordinal));
    }

    [Fact]
    public void GapIsReportedAndHeldEventsAreFlushedInOrderWithExitCode3()
    {
        var result = CliResult.Run(string.Join("\n", Frame(1), Frame(4), Frame(3)), "replay");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(new long[] { 1, 3, 4 }, Sequences(result));
        Assert.Contains(result.StderrLines, l => l.StartsWith("gap: sequences 2..2 are missing", System.StringComparison.Ordinal));
    }

    [Fact]
    public void RejectionWinsOverGapInTheExitCode()
    {
        var result = CliResult.Run(string.Join("\n", Frame(1), "{", Frame(3)), "replay");
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void CursorSkipsEverythingAtOrBelowIt()
    {
        var result = CliResult.Run(string.Join("\n", Frame(1), Frame(2), Frame(3), Frame(4)), "replay", "--cursor", "2");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new long[] { 3, 4 }, Sequences(result));
    }

    [Theory]
    [InlineData("replay", "--cursor", "-1")]
    [InlineData("replay", "--cursor", "abc")]
    [InlineData("replay", "--nope")]
    [InlineData("frobnicate")]
    [InlineData]
    public void UsageErrorsExitWith2(params string[] args)
    {
        var result = CliResult.Run(string.Empty, args);
        Assert.Equal(2, result.ExitCode);
        Assert.NotEmpty(result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void MissingFileIsAUsageError()
    {
        var result = CliResult.Run(string.Empty, "replay", "/no/such/transcript.jsonl");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot read", result.Stderr);
    }

    /// <summary>
    /// A transcript saved by a Windows editor or Windows PowerShell starts with a UTF-8 byte order mark; it is not
    /// part of line 1, which is delivered like any other (our rule: the docs say nothing about files).
    /// </summary>
    [Fact]
    public void LeadingByteOrderMarkInAFileIsSkipped()
    {
        var path = Path.GetTempFileName();
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(Frame(1) + "\r\n" + Frame(2) + "\r\n")]);
        try
        {
            var result = CliResult.Run(string.Empty, "replay", path);

            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Equal(new long[] { 1, 2 }, Sequences(result));
            Assert.DoesNotContain("line 1:", result.Stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LeadingByteOrderMarkOnStdinIsSkipped()
    {
        var result = CliResult.Run("\uFEFF" + Frame(1) + "\n" + Frame(2), "replay", "-");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(new long[] { 1, 2 }, Sequences(result));
    }

    [Fact]
    public void OnlyTheStreamsFirstByteOrderMarkIsSkipped()
    {
        // A byte order mark inside the transcript is not JSON: that line is rejected with its number.
        var result = CliResult.Run(Frame(1) + "\n\uFEFF" + Frame(2), "replay", "-");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(new long[] { 1 }, Sequences(result));
        Assert.Contains("line 2: ", result.Stderr);
    }

    [Fact]
    public void ADirectoryIsReportedAsADirectory()
    {
        var directory = Directory.CreateTempSubdirectory("polychat-replay-").FullName;
        try
        {
            var result = CliResult.Run(string.Empty, "replay", directory);

            Assert.Equal(2, result.ExitCode);
            Assert.Equal($"polychat: cannot read '{directory}': is a directory", result.Stderr.Trim());
            Assert.Empty(result.Stdout);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public void BundledSampleReplaysCleanly()
    {
        var sample = Path.Combine(CliResult.Repository, "src", "PolyChat.Cli", "samples", "session.jsonl");
        var result = CliResult.Run(string.Empty, "replay", sample);

        Assert.Equal(0, result.ExitCode);
        var permanent = result.StdoutLines
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sequence"))
            .Where(s => s.ValueKind == JsonValueKind.Number)
            .Select(s => s.GetInt64())
            .ToArray();
        Assert.Equal(Enumerable.Range(1, permanent.Length).Select(i => (long)i), permanent);
        Assert.Contains("duplicates", result.Stderr);
    }

    [Fact]
    public void StreamsLongTranscriptsLineByLine()
    {
        var lines = Enumerable.Range(1, 20_000).Select(i => Frame(i));
        var result = CliResult.Run(string.Join("\n", lines), "replay");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(20_000, result.StdoutLines.Length);
    }

    [Fact]
    public void OverlongLineIsRejectedWithoutStoppingTheReplay()
    {
        var huge = "{\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{\"pad\":\"" + new string('x', 17 * 1024 * 1024) + "\"}}";
        var result = CliResult.Run(Frame(1) + "\n" + huge + "\n" + Frame(2), "replay");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(new long[] { 1, 2 }, Sequences(result));
        Assert.Contains("line 2: the line is longer than", result.Stderr);
    }

    [Fact]
    public void HelpAndVersionWork()
    {
        var help = CliResult.Run(string.Empty, "replay", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--cursor", help.Stdout);

        var version = CliResult.Run(string.Empty, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout);
    }
}
