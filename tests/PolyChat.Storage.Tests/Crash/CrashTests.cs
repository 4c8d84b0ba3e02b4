using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using PolyChat.Protocol.Storage;
using PolyChat.Storage.PostgreSql;
using PolyChat.Storage.Sqlite;
using PolyChat.Storage.Tests.PostgreSql;
using PolyChat.Testing;
using Xunit;
using Xunit.Abstractions;

namespace PolyChat.Storage.Tests.Crash;

/// <summary>
/// Sessions that survive SIGKILL: a child process chats with the simulator (hosted here) through a stored session and
/// logs what it handles; it is killed at seeded moments and a new child resumes, until one finishes. Seeds:
/// <c>POLYCHAT_CRASH_SEEDS=start:count</c> (default 1:10) and <c>POLYCHAT_CRASH_KILLS</c> kills per seed (default 11).
/// </summary>
public abstract class CrashTests(ITestOutputHelper output)
{
    private const int Messages = 5;

    // RetryDelay 300 ms in the child: attempts at 0, 0.3, 0.6, 1.2 s, failed at 2.1 s; a send's trip adds a little.
    private static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(2100 + 500);

    // The issue's floor: a CI run kills at least this many children per store.
    private const int MinimumKills = 50;

    /// <summary>
    /// Runs every seed against a store: <paramref name="open"/> gives the child's store argument, the store, and its
    /// cleanup. A child that finishes its conversation before its next kill ends its seed early, so a fast machine
    /// kills fewer times per seed: the default campaign goes on with the following seeds (up to three times as many)
    /// until it has killed <see cref="MinimumKills"/> times.
    /// </summary>
    protected async Task RunCampaignAsync(Func<int, (string Argument, ISessionStore Store, Func<ValueTask> Cleanup)> open)
    {
        var (first, count) = Seeds();
        var kills = new List<(KillMoment Moment, bool Reached, string? InHand)>();
        var failures = new List<string>();
        var fullCampaign = count >= 10;
        for (var seed = first; seed < first + count || (fullCampaign && kills.Count < MinimumKills && seed < first + 3 * count); seed++)
        {
            var (argument, store, cleanup) = open(seed);
            try
            {
                var run = await RunSeedAsync(seed, argument, store);
                kills.AddRange(run.Kills);
                failures.AddRange(run.Problems.Select(p => $"seed {seed}: {p}"));
            }
            finally
            {
                await cleanup();
            }
        }

        Report(kills);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(kills.Count >= MinimumKills || !fullCampaign, $"Only {kills.Count} kills.");
        foreach (var moment in Enum.GetValues<KillMoment>())
        {
            Assert.True(kills.Any(k => k.Moment == moment && k.Reached) || !fullCampaign, $"No kill reached its moment {moment}.");
        }
    }

    private async Task<(List<(KillMoment Moment, bool Reached, string? InHand)> Kills, List<string> Problems)> RunSeedAsync(int seed, string storeArgument, ISessionStore store)
    {
        // No dropped connections: the kills are harsher, and a drop just after the session ends loses its last events
        // for any client (the server refuses a reconnect to an ended session, §5g), which is not what is tested here.
        await using var simulator = await PolyAiSimulator.StartAsync(new SimulatorOptions
        {
            StreamingChunkSize = 6,

            // Holes the server never fills: each makes the client reconnect for a replay (a gap repair) to learn so.
            Behavior = ServerBehavior.SequenceHoles with { Seed = seed },
            Faults = new FaultOptions
            {
                Seed = seed,
                DuplicateEvent = 0.05,
                ReorderEvents = 0.1,
                DelayEvent = 0.15,
                MaxDelay = TimeSpan.FromMilliseconds(250),
            },
        });
        var session = await simulator.CreateSessionAsync(streaming: true);
        var log = Path.Combine(Path.GetTempPath(), $"polychat-crash-{seed}-{Guid.NewGuid():N}.log");
        try
        {
            File.WriteAllText(log, string.Empty);
            var run = new CrashRun(seed, [storeArgument, session.WebSocketAddress.ToString(), session.SessionId, session.AccessToken.Value, log, Messages.ToString(CultureInfo.InvariantCulture)], log);
            await run.RunAsync(KillsPerSeed());
            var stored = await store.ReadAsync(session.SessionId);
            var problems = CrashVerdict.Check(run, simulator.GetSession(session.SessionId), stored, [.. Enumerable.Range(1, Messages).Select(i => $"m{i}"), "end"], Deadline);
            output.WriteLine($"seed {seed}: {run.Kills.Count} kills, {run.Lines.Count(l => l.Kind == "event")} events handled, exit {run.FinalExitCode}");
            if (problems.Count > 0)
            {
                output.WriteLine(string.Join(Environment.NewLine, run.Lines.Select(l => $"{l.Kind}\t{string.Join('\t', l.Fields)}")));
                output.WriteLine(run.LastOutput);
                var server = simulator.GetSession(session.SessionId);
                output.WriteLine(string.Join(Environment.NewLine, server.Journal.Select(e => $"journal {e.Sequence} {e.Type.Value} {e.Id}")));
                output.WriteLine(string.Join(Environment.NewLine, server.ReceivedFrames.Select(f => $"frame {f.Connection} {f.Type} {f.ClientEventId} {f.ReceivedAt:HH:mm:ss.fff}")));
            }

            return (run.Kills, problems);
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("POLYCHAT_CRASH_KEEP") is null)
            {
                File.Delete(log);
            }
        }
    }

    private void Report(List<(KillMoment Moment, bool Reached, string? InHand)> kills)
    {
        foreach (var group in kills.GroupBy(k => k.Moment))
        {
            output.WriteLine($"{group.Key}: {group.Count()} kills, {group.Count(k => k.Reached)} at their moment");
        }
    }

    private static (int First, int Count) Seeds()
    {
        var text = Environment.GetEnvironmentVariable("POLYCHAT_CRASH_SEEDS");
        if (text?.Split(':') is [var start, var count])
        {
            return (int.Parse(start, CultureInfo.InvariantCulture), int.Parse(count, CultureInfo.InvariantCulture));
        }

        return (1, 10);
    }

    private static int KillsPerSeed() =>
        int.TryParse(Environment.GetEnvironmentVariable("POLYCHAT_CRASH_KILLS"), out var kills) ? kills : 11;
}

/// <summary>The crash campaign on one SQLite file per seed.</summary>
public sealed class SqliteCrashTests(ITestOutputHelper output) : CrashTests(output)
{
    [Fact]
    public Task SqliteSessionsSurviveSigkillAtEveryPointOfTheirLife() => RunCampaignAsync(seed =>
    {
        var file = Path.Combine(Path.GetTempPath(), $"polychat-crash-{seed}-{Guid.NewGuid():N}.db");
        return ($"sqlite:{file}", new SqliteSessionStore($"Data Source={file}"), () =>
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in (string[])["", "-wal", "-shm"])
            {
                File.Delete(file + suffix);
            }

            return ValueTask.CompletedTask;
        });
    });
}

/// <summary>The crash campaign on the test run's PostgreSQL server (one database, a session per seed).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlCrashTests(PostgresServer server, ITestOutputHelper output) : CrashTests(output)
{
    [PostgresFact]
    public Task PostgreSqlSessionsSurviveSigkillAtEveryPointOfTheirLife() => RunCampaignAsync(_ =>
    {
        var store = new PostgreSqlSessionStore(server.ConnectionString);
        return ($"postgres:{server.ConnectionString}", store, store.DisposeAsync);
    });
}
