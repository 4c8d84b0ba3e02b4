using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Client;
using PolyChat.Testing.Probing;

namespace PolyChat.Cli;

/// <summary>
/// <c>polychat probe</c>: says what it will do, asks (or takes <c>--yes</c>), runs <see cref="ServerProbe"/> and writes
/// the report. The token is never printed: neither the options nor the report hold it.
/// </summary>
internal sealed class ProbeCommand
{
    /// <summary>Where the token is read from when <c>--token</c> is not given.</summary>
    public const string TokenVariable = "POLYCHAT_CONNECTOR_TOKEN";

    private readonly Stream _stdin;
    private readonly TextWriter _output;
    private readonly TextWriter _stderr;
    private readonly bool _interactive;

    public ProbeCommand(Stream stdin, TextWriter output, TextWriter stderr, bool interactive)
    {
        _stdin = stdin;
        _output = output;
        _stderr = stderr;
        _interactive = interactive;
    }

    public async Task<int> RunAsync(Arguments arguments, CancellationToken stop)
    {
        var token = arguments.Token ?? Environment.GetEnvironmentVariable(TokenVariable);
        if (string.IsNullOrWhiteSpace(token))
        {
            _stderr.WriteLine($"polychat: probe needs the connector token: set {TokenVariable} (or pass --token).");
            return ExitCodes.Usage;
        }

        if (!Uri.TryCreate(arguments.Rest, UriKind.Absolute, out var rest))
        {
            _stderr.WriteLine($"polychat: --rest '{arguments.Rest}' is not an absolute address.");
            return ExitCodes.Usage;
        }

        Uri? webSocket = null;
        if (arguments.WebSocket is not null && !Uri.TryCreate(arguments.WebSocket, UriKind.Absolute, out webSocket))
        {
            _stderr.WriteLine($"polychat: --websocket '{arguments.WebSocket}' is not an absolute address.");
            return ExitCodes.Usage;
        }

        var options = new ProbeOptions
        {
            ConnectorToken = token,
            Host = arguments.Host,
            BaseAddress = rest,
            WebSocketAddress = webSocket ?? DefaultWebSocket(rest),
            Timeout = arguments.Timeout,
            MaxSockets = arguments.MaxSockets,
            Progress = step => _stderr.WriteLine($"probe: {step}"),
        };

        foreach (var line in ProbePlan.Describe(options))
        {
            _output.WriteLine(line);
        }

        _output.WriteLine($"  - the report goes to {arguments.Out}.md and {arguments.Out}.json.");
        if (!arguments.Yes && !Confirmed())
        {
            return ExitCodes.NotConfirmed;
        }

        ProbeReport report;
        try
        {
            report = await ServerProbe.RunAsync(options, stop).ConfigureAwait(false);
        }
        catch (ArgumentException exception)
        {
            _stderr.WriteLine($"polychat: {exception.Message}");
            return ExitCodes.Usage;
        }
        catch (PolyChatApiException exception)
        {
            var status = exception.StatusCode is { } code ? $" (HTTP {(int)code})" : string.Empty;
            _stderr.WriteLine($"polychat: probe could not start{status}: {exception.ServerMessage ?? exception.Message}. Nothing was sent over a socket.");
            return ExitCodes.ProbeFailed;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            _output.WriteLine("probe stopped; its session was ended. No report was written.");
            return ExitCodes.Success;
        }

        try
        {
            await File.WriteAllTextAsync(arguments.Out + ".md", report.ToMarkdown(), CancellationToken.None).ConfigureAwait(false);
            await File.WriteAllTextAsync(arguments.Out + ".json", report.ToJson(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _stderr.WriteLine($"polychat: cannot write the report: {exception.Message}");
            _output.Write(report.ToMarkdown());
            return ExitCodes.ProbeFailed;
        }

        _output.WriteLine(report.Completed ? "probe complete." : $"probe stopped early: {report.StoppedBecause}.");
        foreach (var point in report.Points)
        {
            _output.WriteLine($"  {point.Id}: {point.Answer}");
        }

        _output.WriteLine($"report: {arguments.Out}.md, {arguments.Out}.json (serve --profile-from {arguments.Out}.json plays this server)");
        return ExitCodes.Success;
    }

    // https://host/base → wss://host/ws (the docs' layout, §5a).
    private static Uri DefaultWebSocket(Uri rest) =>
        new UriBuilder(rest) { Scheme = rest.Scheme == Uri.UriSchemeHttp ? "ws" : "wss", Path = "/ws", Port = rest.IsDefaultPort ? -1 : rest.Port }.Uri;

    private bool Confirmed()
    {
        if (!_interactive)
        {
            _stderr.WriteLine("polychat: probe talks to your real agent; stdin is not a terminal, so pass --yes to confirm. Nothing was sent.");
            return false;
        }

        _output.Write("Continue? [y/N] ");
        var answer = ReadLine();
        if (answer is not null && (answer.Trim().Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        _output.WriteLine("not confirmed; nothing was sent.");
        return false;
    }

    // One line from stdin, read byte by byte so nothing after it is consumed.
    private string? ReadLine()
    {
        var bytes = new MemoryStream();
        int value;
        while ((value = _stdin.ReadByte()) >= 0 && value != '\n')
        {
            bytes.WriteByte((byte)value);
        }

        return value < 0 && bytes.Length == 0 ? null : Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>The command line's values.</summary>
    internal sealed record Arguments(string? Token, string Host, string Rest, string? WebSocket, string Out, TimeSpan Timeout, int MaxSockets, bool Yes)
    {
        /// <summary>Never shows the token.</summary>
        public override string ToString() => $"Arguments({Host}, {Rest}, {WebSocket}, {Out})";
    }
}
