using System.Text.RegularExpressions;
using System.Threading.Tasks;
using PolyChat.Protocol.Generators.Tests.Infrastructure;
using Xunit;

namespace PolyChat.Testing.Tests.Probing;

/// <summary>
/// The sample report the docs link to (<c>Snapshots/SampleReportTests.DefaultSimulator#sample-report.verified.md</c>):
/// the probe against the simulator's default behaviour, with what differs from run to run (ids, times, the port)
/// replaced. A change to the probe's script, points or wording shows here; accept it with POLYCHAT_ACCEPT_SNAPSHOTS=1.
/// </summary>
public sealed partial class SampleReportTests
{
    [Fact]
    public async Task DefaultSimulator()
    {
        var report = await ProbeHarness.RunAsync(ServerBehavior.Default);

        Snapshot.Verify(Stable(report.ToMarkdown()), "sample-report.md", nameof(SampleReportTests));
    }

    private static string Stable(string text)
    {
        text = Uuid().Replace(text, "<uuid>");
        text = MessageId().Replace(text, "$1<id>");
        text = Time().Replace(text, "<time>");
        return Port().Replace(text, "127.0.0.1:<port>");
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();

    [GeneratedRegex("(msg_[aul]_)[0-9a-f]{1,12}")]
    private static partial Regex MessageId();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")]
    private static partial Regex Time();

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex Port();
}
