using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using PolyChat.Testing;

namespace PolyChat.Cli;

/// <summary>The commands that need the embedded PolyAI simulator.</summary>
internal static partial class CliApp
{
    static partial void AddSimulatorCommands(RootCommand root, TextWriter output, TextWriter stderr)
    {
        var port = new Option<int>("--port") { Description = "Loopback port to listen on (0 picks a free one).", DefaultValueFactory = _ => 8080 };
        var faultSeed = new Option<int?>("--faults") { Description = "Inject faults (drops, duplicates, reordering, lost echoes, malformed frames) with this random seed." };
        var profile = new Option<string?>("--profile")
        {
            Description = "The server's answers where the docs are open: a preset (" + string.Join(", ", ServerBehavior.Presets.Select(p => p.Name)) +
                          ") or 'random' (each session draws its own, seeded by --faults or 0).",
        };
        profile.AcceptOnlyFromAmong([.. ServerBehavior.Presets.Select(p => p.Name), "random"]);
        var profileFrom = new Option<string?>("--profile-from")
        {
            Description = "Behave as a probed server did: a report written by 'polychat probe' (its .json). Undecided points keep the defaults.",
        };
        var serve = new Command(
            "serve",
            "Run a local PolyAI-compatible chat server on 127.0.0.1 until Ctrl+C (SIGINT) or SIGTERM, " +
            "which close its connections and exit 0.")
        {
            port,
            faultSeed,
            profile,
            profileFrom,
        };
        serve.Validators.Add(result =>
        {
            if (result.GetResult(profile) is not null && result.GetResult(profileFrom) is not null)
            {
                result.AddError("--profile and --profile-from cannot be used together.");
            }
        });
        serve.SetAction((parse, cancellationToken) =>
            ServeCommand.RunAsync(parse.GetValue(port), parse.GetValue(faultSeed), parse.GetValue(profile), parse.GetValue(profileFrom), output, stderr, cancellationToken));

        var seed = new Option<int>("--seed") { Description = "Random seed of the injected faults.", DefaultValueFactory = _ => 42 };
        var noFaults = new Option<bool>("--no-faults") { Description = "Run the conversation without injected faults." };
        var pace = new Option<int>("--pace")
        {
            Description = "Milliseconds the user takes before each line, to follow the conversation as it happens (default 0).",
            DefaultValueFactory = _ => 0,
        };
        pace.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, out var value) && value < 0)
            {
                result.AddError("--pace must be 0 or more.");
            }
        });
        var demo = new Command(
            "demo",
            "Run a scripted conversation through the session client against an embedded simulator with faults on, " +
            "printing each typed event and each message's delivery status as they happen. " +
            "Ctrl+C (SIGINT) or SIGTERM closes the session and the simulator and exits 0.")
        {
            seed,
            noFaults,
            pace,
        };
        demo.SetAction((parse, cancellationToken) => new DemoCommand(output).RunAsync(
            parse.GetValue(noFaults) ? null : parse.GetValue(seed),
            TimeSpan.FromMilliseconds(parse.GetValue(pace)),
            cancellationToken));

        root.Subcommands.Add(serve);
        root.Subcommands.Add(demo);
    }
}
