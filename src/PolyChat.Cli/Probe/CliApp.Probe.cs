using System;
using System.CommandLine;
using System.IO;

namespace PolyChat.Cli;

/// <summary><c>polychat probe</c>: the options, then <see cref="ProbeCommand"/>.</summary>
internal static partial class CliApp
{
    static partial void AddProbeCommand(RootCommand root, Stream stdin, TextWriter output, TextWriter stderr, bool interactive)
    {
        var token = new Option<string?>("--token")
        {
            Description = $"The connector token PolyAI gave you (X-Token). Better left out: then it is read from {ProbeCommand.TokenVariable}. Never printed.",
        };
        var host = new Option<string>("--host") { Description = "Your registered domain or app namespace (X-Host).", Required = true };
        var rest = new Option<string>("--rest") { Description = "The REST base, e.g. https://messaging.us-1.poly.ai.", Required = true };
        var webSocket = new Option<string?>("--websocket") { Description = "The WebSocket address (default: the REST host with wss:// and /ws)." };
        var outPrefix = new Option<string>("--out")
        {
            Description = "Where the report goes: PREFIX.md for people and PREFIX.json for programs (and serve --profile-from).",
            DefaultValueFactory = _ => "polychat-probe",
        };
        var timeout = new Option<int>("--timeout") { Description = "The whole run's limit in seconds (default 120).", DefaultValueFactory = _ => 120 };
        timeout.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, out var value) && value < 1)
            {
                result.AddError("--timeout must be 1 or more.");
            }
        });
        var maxSockets = new Option<int>("--max-sockets") { Description = "The most sockets held open at once while looking for the connection limit (default 8).", DefaultValueFactory = _ => 8 };
        maxSockets.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, out var value) && value < 2)
            {
                result.AddError("--max-sockets must be 2 or more.");
            }
        });
        var yes = new Option<bool>("--yes") { Description = "Run without asking (needed when stdin is not a terminal)." };
        var probe = new Command(
            "probe",
            "Ask a real PolyAI Messaging server the questions its docs leave open (replay batches, cursors, sequences, " +
            "echoes and errors, re-sends, oversized frames, the connection limit, the end of a session) with a short, " +
            "real conversation with your agent, and write a report (Markdown and JSON). It says what it will send and " +
            "asks first. Exit 0: report written; 5: not confirmed; 6: no token or session; 2: usage error. Ctrl+C " +
            "ends the probe's session and exits 0.")
        {
            token,
            host,
            rest,
            webSocket,
            outPrefix,
            timeout,
            maxSockets,
            yes,
        };
        probe.SetAction((parse, cancellationToken) => new ProbeCommand(stdin, output, stderr, interactive).RunAsync(
            new ProbeCommand.Arguments(
                parse.GetValue(token),
                parse.GetValue(host)!,
                parse.GetValue(rest)!,
                parse.GetValue(webSocket),
                parse.GetValue(outPrefix)!,
                TimeSpan.FromSeconds(parse.GetValue(timeout)),
                parse.GetValue(maxSockets),
                parse.GetValue(yes)),
            cancellationToken));
        root.Subcommands.Add(probe);
    }
}
