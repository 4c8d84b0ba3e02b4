using System;
using System.CommandLine;
using System.IO;
using PolyChat.Cli.Sessions;

namespace PolyChat.Cli;

/// <summary><c>polychat sessions</c> and <c>polychat sessions show</c>: what a durable session store holds (<see cref="SessionsCommand"/>).</summary>
internal static partial class CliApp
{
    /// <summary>Where <c>--store</c> is read from when it is not given: a connection string stays out of the process list.</summary>
    public const string StoreVariable = "POLYCHAT_STORE";

    private const string StoreDescription =
        "The session store: a PostgreSQL connection string (Host=…;Database=…) or URI (postgresql://user@host/db), else a SQLite file path " +
        $"or Data Source=… string. Default: ${StoreVariable}. Its password is never printed; a missing SQLite file is not created.";

    private const string ExitCodesHelp = "Exit 0: shown; 7: the store cannot be read (a missing file, not a session store, a server that refuses); 2: usage error.";

    private static Command SessionsCommand(TextWriter output, TextWriter stderr)
    {
        var listStore = StoreOption();
        var listJson = new Option<bool>("--json") { Description = "One JSON object for programs: {\"sessions\": [...]}, snake_case." };
        var sessions = new Command(
            "sessions",
            "List the sessions a durable store holds, most recently updated first: id, cursor, owner and lease expiry, " +
            "outbox size (messages awaiting their echo), why it ended, last update. " + ExitCodesHelp)
        {
            listStore,
            listJson,
        };
        sessions.SetAction((parse, cancellationToken) =>
            Store(parse.GetValue(listStore), stderr) is { } store
                ? new SessionsCommand(output, stderr).ListAsync(store, parse.GetValue(listJson), cancellationToken)
                : System.Threading.Tasks.Task.FromResult(ExitCodes.Usage));

        var showStore = StoreOption();
        var showJson = new Option<bool>("--json") { Description = "One JSON object for programs, snake_case." };
        var id = new Argument<string>("SESSION-ID") { Description = "The session's id, as 'polychat sessions' lists it." };
        var show = new Command(
            "show",
            "Show one stored session: cursor, capabilities, whether the agent joined, recent events, streamed replies still open, " +
            "the outbox (client_event_id, accepted at, attempts, age) and the recently settled messages. " +
            "Exit 0: shown; 8: no such session; 7: the store cannot be read; 2: usage error.")
        {
            id,
            showStore,
            showJson,
        };
        show.SetAction((parse, cancellationToken) =>
            Store(parse.GetValue(showStore), stderr) is { } store
                ? new SessionsCommand(output, stderr).ShowAsync(store, parse.GetValue(id)!, parse.GetValue(showJson), cancellationToken)
                : System.Threading.Tasks.Task.FromResult(ExitCodes.Usage));

        sessions.Subcommands.Add(show);
        return sessions;

        static Option<string?> StoreOption() => new("--store") { Description = StoreDescription };
    }

    private static string? Store(string? option, TextWriter stderr)
    {
        var store = option ?? Environment.GetEnvironmentVariable(StoreVariable);
        if (string.IsNullOrWhiteSpace(store))
        {
            stderr.WriteLine($"polychat: sessions needs --store (or {StoreVariable}): a SQLite file or a PostgreSQL connection string.");
            return null;
        }

        return store;
    }
}
