using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using PolyChat.Protocol.Storage;
using PolyChat.Storage.PostgreSql;
using PolyChat.Storage.Sqlite;

namespace PolyChat.Protocol.Benchmarks;

/// <summary>
/// Durable sessions: one <see cref="ISessionStore.CommitAsync"/> of one handled event and one
/// <see cref="ISessionStore.AddToOutboxAsync"/>, on a SQLite file in the temporary folder and on the PostgreSQL server
/// that <c>POLYCHAT_POSTGRES</c> names (an Npgsql connection string). <c>--sessions &lt;sqlite|postgres&gt; N</c> measures
/// acquire-and-commit for N new sessions, one after another and from 8 workers at once.
/// </summary>
[MemoryDiagnoser]
public class SessionStoreBenchmarks
{
    private const string Frame = "{\"type\":\"MESSAGE\",\"client_event_id\":\"c-1\",\"payload\":{\"text\":\"Where is my parcel?\"}}";

    private ISessionStore _store = null!;
    private string? _directory;
    private SessionLease _lease;
    private long _cursor;
    private long _position;

    [Params("sqlite", "postgres")]
    public string Store { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        (_store, _directory) = Open(Store);
        _lease = _store.AcquireAsync("bench-" + Guid.NewGuid().ToString("N"), "bench", TimeSpan.FromHours(1)).AsTask().GetAwaiter().GetResult().Lease!.Value;
    }

    [GlobalCleanup]
    public void Cleanup() => Close(_store, _directory).GetAwaiter().GetResult();

    [Benchmark]
    public ValueTask CommitOneHandledEvent()
    {
        var cursor = ++_cursor;
        return _store.CommitAsync(_lease, new SessionCommit { Cursor = cursor, Handled = [new HandledEvent("event-" + cursor.ToString(CultureInfo.InvariantCulture), cursor)] });
    }

    [Benchmark]
    public ValueTask AddToOutbox()
    {
        var position = ++_position;
        return _store.AddToOutboxAsync(_lease, new OutboxEntry("c-" + position.ToString(CultureInfo.InvariantCulture), Frame, DateTimeOffset.UtcNow, 0));
    }

    /// <summary>Acquire a new session and commit one handled event, for <paramref name="count"/> sessions: sequentially, then from 8 workers.</summary>
    public static async Task<int> SessionsPerSecondAsync(string kind, int count)
    {
        var (store, directory) = Open(kind);
        try
        {
            await OneSession(store, "warm-up");
            foreach (var workers in (int[])[1, 8])
            {
                var prefix = Guid.NewGuid().ToString("N")[..8];
                var next = -1;
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
                {
                    for (var i = System.Threading.Interlocked.Increment(ref next); i < count; i = System.Threading.Interlocked.Increment(ref next))
                    {
                        await OneSession(store, $"{prefix}-{i}");
                    }
                })));
                clock.Stop();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"sessions {kind} workers {workers} count {count} seconds {clock.Elapsed.TotalSeconds:F2} per-second {count / clock.Elapsed.TotalSeconds:F0}"));
            }

            return 0;
        }
        finally
        {
            await Close(store, directory);
        }
    }

    private static async Task OneSession(ISessionStore store, string id)
    {
        var session = await store.AcquireAsync("sps-" + id, "bench", TimeSpan.FromMinutes(1));
        await store.CommitAsync(session.Lease!.Value, new SessionCommit { Cursor = 1, Handled = [new HandledEvent("event-1", 1)] });
    }

    private static (ISessionStore Store, string? Directory) Open(string kind)
    {
        if (kind == "sqlite")
        {
            var directory = Path.Combine(Path.GetTempPath(), "polychat-bench-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(directory);
            return (new SqliteSessionStore($"Data Source={Path.Combine(directory, "sessions.db")}"), directory);
        }

        var connectionString = Environment.GetEnvironmentVariable("POLYCHAT_POSTGRES")
            ?? throw new InvalidOperationException("Set POLYCHAT_POSTGRES to an Npgsql connection string to measure the PostgreSQL store.");
        return (new PostgreSqlSessionStore(connectionString), null);
    }

    private static async Task Close(ISessionStore store, string? directory)
    {
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        if (directory is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
