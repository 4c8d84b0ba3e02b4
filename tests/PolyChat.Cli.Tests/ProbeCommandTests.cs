using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Events;
using PolyChat.Testing;
using PolyChat.Testing.Probing;
using Xunit;

namespace PolyChat.Cli.Tests;

/// <summary>
/// <c>polychat probe</c> asks before it talks to a real agent, never prints the token, and writes its report;
/// <c>polychat serve --profile-from</c> plays the server a report describes.
/// </summary>
public sealed partial class ProbeCommandTests : IDisposable
{
    private const string Token = "cli-probe-secret-token-91c2";
    private const string Host = "example.com";

    private readonly string _directory = Directory.CreateTempSubdirectory("polychat-probe-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WithoutYesAndWithoutATerminalItRefusesAndSendsNothing()
    {
        // Port 9 (discard) on loopback: nothing listens, and nothing may be tried.
        var result = CliResult.Run(string.Empty, "probe", "--token", Token, "--host", Host, "--rest", "http://127.0.0.1:9/", "--out", Path.Combine(_directory, "r"));

        Assert.Equal(ExitCodes.NotConfirmed, result.ExitCode);
        Assert.Contains("--yes", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("up to 4 user messages", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_directory));
    }

    [Theory]
    [InlineData("n\n")]
    [InlineData("\n")]
    [InlineData("")]
    public async Task AtAPromptAnythingButYesRefuses(string answer)
    {
        await using var simulator = await StartAsync();

        var result = await RunAsync(answer, interactive: true, Arguments(simulator));

        Assert.Equal(ExitCodes.NotConfirmed, result.ExitCode);
        Assert.Contains("Continue? [y/N]", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(simulator.Sessions);
    }

    [Theory]
    [InlineData("y\n", true)]
    [InlineData("", false)]
    public async Task ARunWritesBothReportsAndNeverPrintsTheToken(string answer, bool interactive)
    {
        await using var simulator = await StartAsync();
        var arguments = Arguments(simulator);
        if (!interactive)
        {
            arguments = [.. arguments, "--yes"];
        }

        var result = await RunAsync(answer, interactive, arguments);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var markdown = File.ReadAllText(Path.Combine(_directory, "report.md"));
        var json = File.ReadAllText(Path.Combine(_directory, "report.json"));
        foreach (var text in (string[])[result.Stdout, result.Stderr, markdown, json])
        {
            Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
            Assert.DoesNotContain("access_token", text, StringComparison.Ordinal);
        }

        Assert.StartsWith("# PolyAI Messaging server probe", markdown, StringComparison.Ordinal);
        Assert.Equal(ProbePointIds.All, ProbeReport.FromJson(json).Points.Select(p => p.Id));
        Assert.Contains("  session-end: session-end-then-close", result.StdoutLines);
        Assert.Contains("probe: connection-limit", result.StderrLines);
        Assert.True(Assert.Single(simulator.Sessions).IsEnded);
    }

    [Fact]
    public void AReportThatIsNotOneIsAUsageError()
    {
        var path = Path.Combine(_directory, "bad.json");
        File.WriteAllText(path, "{\"points\": 3}");

        var result = CliResult.Run(string.Empty, "serve", "--port", "0", "--profile-from", path);
        var both = CliResult.Run(string.Empty, "serve", "--port", "0", "--profile", "silent-end", "--profile-from", path);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("cannot read the probe report", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, both.ExitCode);
        Assert.Contains("cannot be used together", both.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServeProfileFromPlaysTheProbedServer()
    {
        // A report of a server that closes an ended session without SESSION_END, probed from the simulator itself.
        string path;
        await using (var probed = await StartAsync(ServerBehavior.SilentEnd))
        {
            var report = await ServerProbe.RunAsync(new ProbeOptions
            {
                ConnectorToken = Token,
                Host = Host,
                BaseAddress = probed.BaseAddress,
                WebSocketAddress = probed.WebSocketAddress,
                SettleTime = TimeSpan.Zero,
            });
            path = Path.Combine(_directory, "silent.json");
            File.WriteAllText(path, report.ToJson());
        }

        using var cli = CliProcess.Start("serve", "--port", "0", "--profile-from", path);
        await cli.WaitForLineAsync(line => line == "Press Ctrl+C to stop.", TimeSpan.FromSeconds(60));
        Assert.Contains(cli.Stdout.Split('\n'), line => line.StartsWith($"  server behaviour: probed (from {path}: ", StringComparison.Ordinal));
        var match = Banner().Match(cli.Stdout);
        Assert.True(match.Success, cli.Stdout);

        var events = await ConverseAndEndAsync(new Uri(match.Groups[1].Value), new Uri(match.Groups[2].Value));

        Assert.DoesNotContain(events, e => e is SessionEndEvent);
        Assert.Contains(events, e => e is PolyAgentMessageEvent);
    }

    private static async Task<List<Event>> ConverseAndEndAsync(Uri http, Uri webSocket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var client = new HttpClient();
        var rest = new PolyChatRestClient(client, http);
        var token = await rest.GetAccessTokenAsync("polychat-dev-connector", "localhost", timeout.Token);
        var sessionId = await rest.CreateSessionAsync(token, cancellationToken: timeout.Token);
        var events = new List<Event>();
        await using var session = await PolyChatSession.ConnectAsync(
            new SessionOptions { WebSocketAddress = webSocket, SessionId = sessionId, AccessToken = token }, timeout.Token);
        await foreach (var value in session.ReadEventsAsync(timeout.Token))
        {
            events.Add(value);
            if (value is PolyAgentMessageEvent)
            {
                await session.EndAsync();
            }
        }

        return events;
    }

    private string[] Arguments(PolyAiSimulator simulator) =>
    [
        "probe", "--token", Token, "--host", Host, "--rest", simulator.BaseAddress.ToString(), "--websocket", simulator.WebSocketAddress.ToString(),
        "--out", Path.Combine(_directory, "report"), "--timeout", "60",
    ];

    private static Task<PolyAiSimulator> StartAsync(ServerBehavior? behavior = null) =>
        PolyAiSimulator.StartAsync(new SimulatorOptions { ConnectorToken = Token, AllowedHost = Host, Behavior = behavior ?? ServerBehavior.Default });

    // CliApp.Run blocks; the simulator it talks to lives in this process, so it runs off the test's thread.
    private static Task<CliResult> RunAsync(string stdin, bool interactive, string[] args) => Task.Run(() =>
    {
        var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        var output = new MemoryStream();
        var error = new StringWriter();
        var exitCode = CliApp.Run(args, input, output, error, interactive: interactive);
        return new CliResult(exitCode, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    });

    [GeneratedRegex(@"^PolyAI simulator on (http://127\.0\.0\.1:\d+/) \(WebSocket (ws://[^)]+)\)", RegexOptions.Multiline)]
    private static partial Regex Banner();
}
