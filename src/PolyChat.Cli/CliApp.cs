using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using PolyChat.Cli.Check;
using PolyChat.Cli.Replay;

namespace PolyChat.Cli;

/// <summary>The <c>polychat</c> command line: data on stdout, diagnostics on stderr.</summary>
internal static partial class CliApp
{
    /// <summary>Runs one command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="stdin">Read by <c>replay</c> without a file or with <c>-</c>.</param>
    /// <param name="stdout">Data: events, verdicts, the demo's conversation.</param>
    /// <param name="stderr">Diagnostics.</param>
    /// <param name="stop">Cancelled on SIGINT or SIGTERM (see <see cref="ShutdownSignals"/>): <c>serve</c> and <c>demo</c> stop and exit 0.</param>
    /// <param name="interactive">Whether stdin is a terminal a person can answer at (<c>probe</c>'s confirmation).</param>
    /// <returns>The process exit code (<see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken stop = default, bool interactive = false)
    {
        var output = new StreamWriter(stdout) { AutoFlush = true };
        var root = new RootCommand("polychat: conformance and debugging tool for PolyAI chat (Messaging) sessions.");

        var cursor = new Option<long>("--cursor")
        {
            Description = "Start after this sequence, as a reconnect with cursor=N would (default 0: expect 1 first).",
            DefaultValueFactory = _ => 0,
        };
        cursor.Validators.Add(result =>
        {
            // Conversion errors are reported by the parser itself; only range is checked here.
            if (result.Tokens.Count == 1 && long.TryParse(result.Tokens[0].Value, out var value) && value < 0)
            {
                result.AddError("--cursor must be 0 or more.");
            }
        });
        var input = new Argument<string>("FILE")
        {
            Description = "A JSON Lines transcript: one server-to-client frame per line, in arrival order. '-' or nothing reads stdin.",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "-",
        };
        var replay = new Command(
            "replay",
            "Run a captured transcript through the runtime and print each delivered event, one JSON object per line. " +
            "Exit 0: all delivered; 1: a line was rejected; 3: sequences were missing; 2: usage error.")
        {
            cursor,
            input,
        };
        replay.SetAction(parse =>
        {
            var path = parse.GetValue(input)!;
            using var source = path == "-" ? stdin : OpenOrNull(path, stderr);
            if (source is null)
            {
                return ExitCodes.Usage;
            }

            return new TranscriptReplayer(stdout, stderr, parse.GetValue(cursor)).Run(source);
        });

        var files = new Argument<string[]>("FILE")
        {
            Description = "Files that each hold one frame.",
            Arity = ArgumentArity.OneOrMore,
        };
        var check = new Command("check", "Check that each file holds one valid event frame. Exit 0 when all do, else 1.")
        {
            files,
        };
        check.SetAction(parse => FrameChecker.Run(parse.GetValue(files)!, output));

        root.Subcommands.Add(replay);
        root.Subcommands.Add(check);
        root.Subcommands.Add(SchemaCommand(output, stderr));
        root.Subcommands.Add(SessionsCommand(output, stderr));
        AddSimulatorCommands(root, output, stderr);
        AddProbeCommand(root, stdin, output, stderr, interactive);

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                stderr.WriteLine($"polychat: {error.Message}");
            }

            stderr.WriteLine("Run 'polychat --help' for usage.");
            return ExitCodes.Usage;
        }

        // The caller owns the signals (ProcessTerminationTimeout off): a stop request is a clean stop, exit 0.
        var configuration = new InvocationConfiguration { Output = output, Error = stderr, ProcessTerminationTimeout = null };
        return result.InvokeAsync(configuration, stop).GetAwaiter().GetResult();
    }

    /// <summary>Adds <c>serve</c> and <c>demo</c>, the commands that host the simulator (<c>Simulator/</c>).</summary>
    static partial void AddSimulatorCommands(RootCommand root, TextWriter output, TextWriter stderr);

    /// <summary>Adds <c>probe</c>, which asks a real PolyAI server the protocol's open questions (<c>Probe/</c>).</summary>
    static partial void AddProbeCommand(RootCommand root, Stream stdin, TextWriter output, TextWriter stderr, bool interactive);

    private static Stream? OpenOrNull(string path, TextWriter stderr)
    {
        if (Directory.Exists(path))
        {
            stderr.WriteLine($"polychat: cannot read '{path}': is a directory");
            return null;
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"polychat: cannot read '{path}': {exception.Message}");
            return null;
        }
    }
}
