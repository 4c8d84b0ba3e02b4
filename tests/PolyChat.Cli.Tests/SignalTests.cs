using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace PolyChat.Cli.Tests;

/// <summary>
/// <c>serve</c> and <c>demo</c> stop on SIGINT (Ctrl+C) and SIGTERM (<c>kill</c>, <c>docker stop</c>, systemd),
/// close their sockets and exit 0: the built binary, signalled with <c>kill</c>. Our rule; the protocol has no
/// say. The requirement is a stop within a second; the cap here is generous so a loaded machine does not fail
/// the test, and the time taken is logged.
/// </summary>
public sealed class SignalTests
{
    private static readonly TimeSpan StartCap = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopCap = TimeSpan.FromSeconds(30);

    private readonly ITestOutputHelper _log;

    public SignalTests(ITestOutputHelper log) => _log = log;

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task ServeStopsCleanlyOnSignal(string signal)
    {
        using var cli = CliProcess.Start("serve", "--port", "0");
        await cli.WaitForLineAsync(line => line == "Press Ctrl+C to stop.", StartCap);

        var elapsed = Stopwatch.StartNew();
        cli.Signal(signal);
        var exitCode = await cli.WaitForExitAsync(StopCap);
        _log.WriteLine($"serve: SIG{signal} to exit in {elapsed.ElapsedMilliseconds} ms");

        Assert.True(exitCode is not null, $"serve still running {StopCap} after SIG{signal}:\n{cli.Stdout}");
        Assert.True(exitCode == 0, $"exit {exitCode}\n{cli.Stdout}\n{await cli.Stderr}");
        Assert.EndsWith("stopping: closing connections\nstopped", cli.Stdout);
        Assert.Empty(await cli.Stderr);
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task DemoStopsCleanlyOnSignal(string signal)
    {
        // --pace holds each user line for a minute, so the signal lands mid-conversation, not after it.
        using var cli = CliProcess.Start("demo", "--pace", "60000");
        await cli.WaitForLineAsync(line => line.StartsWith("simulator on ", StringComparison.Ordinal), StartCap);

        var elapsed = Stopwatch.StartNew();
        cli.Signal(signal);
        var exitCode = await cli.WaitForExitAsync(StopCap);
        _log.WriteLine($"demo: SIG{signal} to exit in {elapsed.ElapsedMilliseconds} ms");

        Assert.True(exitCode is not null, $"demo still running {StopCap} after SIG{signal}:\n{cli.Stdout}");
        Assert.True(exitCode == 0, $"exit {exitCode}\n{cli.Stdout}\n{await cli.Stderr}");
        Assert.Matches(@"\nstopped: \d+ events delivered before the stop request; session and simulator closed$", cli.Stdout);
        Assert.DoesNotContain("done:", cli.Stdout);
        Assert.Empty(await cli.Stderr);
    }
}
