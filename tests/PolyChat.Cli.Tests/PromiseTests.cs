using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace PolyChat.Cli.Tests;

/// <summary>
/// README promises of <c>demo</c> and <c>serve</c>: the fault options take effect, and a signal stops either within
/// a second, a second signal at once. Signal tests run the built apphost, as <see cref="SignalTests"/> does.
/// </summary>
public sealed class PromiseTests
{
    private static readonly TimeSpan StartCap = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopCap = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Promised = TimeSpan.FromSeconds(1);

    private readonly ITestOutputHelper _log;

    public PromiseTests(ITestOutputHelper log) => _log = log;

    [Fact]
    public void DemoWithoutFaultsRunsACleanConversation()
    {
        var clean = CliResult.Run(string.Empty, "demo", "--no-faults");
        var faulty = CliResult.Run(string.Empty, "demo");

        Assert.Equal(0, clean.ExitCode);
        Assert.EndsWith(", no faults", clean.StdoutLines[0]);
        Assert.DoesNotContain(clean.StdoutLines, line => line.Contains("rejected frame", StringComparison.Ordinal)
            || line.Contains("retrying", StringComparison.Ordinal) || line.Contains("duplicate", StringComparison.Ordinal)
            || line.Contains("reconnect", StringComparison.OrdinalIgnoreCase) || line.Contains("failed", StringComparison.Ordinal));

        // The default run has faults on (seed 42), and they show.
        Assert.Equal(0, faulty.ExitCode);
        Assert.EndsWith(", faults on (seed 42)", faulty.StdoutLines[0]);
        Assert.Contains(faulty.StdoutLines, line => line.Contains("rejected frame", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("serve", "INT")]
    [InlineData("serve", "TERM")]
    [InlineData("demo", "INT")]
    [InlineData("demo", "TERM")]
    public async Task ASignalStopsWithinASecond(string command, string signal)
    {
        using var cli = await StartAsync(command);

        var elapsed = Stopwatch.StartNew();
        cli.Signal(signal);
        var exitCode = await cli.WaitForExitAsync(StopCap);
        elapsed.Stop();
        _log.WriteLine($"{command}: SIG{signal} to exit in {elapsed.ElapsedMilliseconds} ms");

        Assert.Equal(0, exitCode);
        Assert.True(elapsed.Elapsed <= Promised, $"{command} took {elapsed.ElapsedMilliseconds} ms to stop after SIG{signal}");
    }

    [Theory]
    [InlineData("serve", "INT", "TERM")]
    [InlineData("serve", "TERM", "INT")]
    [InlineData("demo", "INT", "TERM")]
    [InlineData("demo", "TERM", "INT")]
    public async Task ASecondSignalWhileStoppingEndsTheProcessAtOnce(string command, string first, string second)
    {
        // The process is frozen while both signals are sent, so the second one is certain to arrive while the
        // first one's clean stop runs (a clean stop is quicker than two kill commands). Two signals of one kind
        // would merge into one while it is frozen, hence the pairs of two kinds.
        using var cli = await StartAsync(command);
        cli.Signal("STOP");
        cli.Signal(first);
        cli.Signal(second);

        var elapsed = Stopwatch.StartNew();
        cli.Signal("CONT");
        var exitCode = await cli.WaitForExitAsync(StopCap);
        elapsed.Stop();
        _log.WriteLine($"{command}: SIG{first} + SIG{second}: exit {exitCode} in {elapsed.ElapsedMilliseconds} ms\n{cli.Stdout}");

        // Ended by the signal (128 + its number), not by the clean stop, which exits 0 after its last line.
        Assert.True(exitCode is 130 or 143, $"exit {exitCode}\n{cli.Stdout}");
        Assert.DoesNotMatch(@"(^|\n)stopped", cli.Stdout);
        Assert.True(elapsed.Elapsed <= Promised, $"{command} took {elapsed.ElapsedMilliseconds} ms");
    }

    private static async Task<CliProcess> StartAsync(string command)
    {
        var cli = command == "serve" ? CliProcess.Start("serve", "--port", "0") : CliProcess.Start("demo", "--pace", "60000");
        try
        {
            await cli.WaitForLineAsync(line => command == "serve" ? line == "Press Ctrl+C to stop." : line.StartsWith("simulator on ", StringComparison.Ordinal), StartCap);
            return cli;
        }
        catch
        {
            cli.Dispose();
            throw;
        }
    }
}
