using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Storage;
using PolyChat.Storage.PostgreSql;
using PolyChat.Storage.Sqlite;

namespace PolyChat.Storage.Tests.Stores;

/// <summary>
/// The other process of the two-process lease tests: the test assembly started again with
/// <c>dotnet exec PolyChat.Storage.Tests.dll lease-probe &lt;sqlite|postgres&gt; &lt;connection string&gt; &lt;session&gt; &lt;owner&gt; &lt;lease ms&gt; &lt;mode&gt;</c>.
/// It reports on standard output, one line per step: <c>acquired &lt;token&gt; &lt;cursor&gt;</c>, <c>committed &lt;cursor&gt;</c>,
/// <c>owned &lt;owner&gt;</c> (exit 2), <c>lost &lt;owner&gt;</c> (exit 3).
/// </summary>
/// <remarks>
/// Modes: <c>hold-auto</c> acquires and commits the next cursor again and again until killed; <c>hold-stdin</c> acquires
/// and commits the next cursor for each <c>write</c> line read; <c>take</c> acquires once and commits <see cref="TakenCursor"/>;
/// <c>take-wait</c> does the same, waiting out another owner's lease first.
/// </remarks>
public static class LeaseProbe
{
    public const string Command = "lease-probe";
    public const long TakenCursor = 1_000_000;

    public const int Owned = 2;
    public const int Lost = 3;
    public const int GaveUp = 4;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 6)
        {
            Console.Error.WriteLine($"usage: {Command} <sqlite|postgres> <connection string> <session> <owner> <lease ms> <hold-auto|hold-stdin|take|take-wait>");
            return 64;
        }

        var (kind, connectionString, sessionId, owner, mode) = (args[0], args[1], args[2], args[3], args[5]);
        var duration = TimeSpan.FromMilliseconds(long.Parse(args[4], CultureInfo.InvariantCulture));
        ISessionStore store = kind switch
        {
            "sqlite" => new SqliteSessionStore(connectionString),
            "postgres" => new PostgreSqlSessionStore(connectionString),
            _ => throw new ArgumentException($"Unknown store '{kind}'."),
        };
        try
        {
            return mode switch
            {
                "hold-auto" or "hold-stdin" => await HoldAsync(store, sessionId, owner, duration, automatic: mode == "hold-auto"),
                "take" or "take-wait" => await TakeAsync(store, sessionId, owner, duration, wait: mode == "take-wait"),
                _ => throw new ArgumentException($"Unknown mode '{mode}'."),
            };
        }
        finally
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private static async Task<int> HoldAsync(ISessionStore store, string sessionId, string owner, TimeSpan duration, bool automatic)
    {
        StoredSession session;
        try
        {
            session = await store.AcquireAsync(sessionId, owner, duration);
        }
        catch (SessionLeaseException refused)
        {
            Report($"owned {refused.Owner} {refused.Message}");
            return Owned;
        }

        var lease = session.Lease!.Value;
        var cursor = session.Cursor;
        Report($"acquired {lease.Token} {cursor}");
        while (automatic || Console.In.ReadLine() == "write")
        {
            cursor++;
            try
            {
                await store.CommitAsync(lease, new SessionCommit { Cursor = cursor, Handled = [new HandledEvent($"{owner}-{cursor}", cursor)] });
            }
            catch (SessionLeaseException lost)
            {
                Report($"lost {lost.Owner} {lost.Message}");
                return Lost;
            }

            Report($"committed {cursor}");
            if (automatic)
            {
                await Task.Delay(10);
            }
        }

        return 0;
    }

    private static async Task<int> TakeAsync(ISessionStore store, string sessionId, string owner, TimeSpan duration, bool wait)
    {
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            StoredSession session;
            try
            {
                session = await store.AcquireAsync(sessionId, owner, duration, giveUp.Token);
            }
            catch (SessionLeaseException refused) when (refused.Failure == SessionLeaseFailure.Owned)
            {
                if (!wait)
                {
                    Report($"owned {refused.Owner} {refused.Message}");
                    return Owned;
                }

                // Wait out the holder's lease (it may be renewed meanwhile: then wait again).
                var left = (refused.ExpiresAt ?? DateTimeOffset.UtcNow) - DateTimeOffset.UtcNow;
                try
                {
                    await Task.Delay(left > TimeSpan.Zero ? left + TimeSpan.FromMilliseconds(10) : TimeSpan.FromMilliseconds(10), giveUp.Token);
                }
                catch (OperationCanceledException)
                {
                    Report($"gave-up {refused.Owner}");
                    return GaveUp;
                }

                continue;
            }

            var lease = session.Lease!.Value;
            Report($"acquired {lease.Token} {session.Cursor}");
            await store.CommitAsync(lease, new SessionCommit { Cursor = TakenCursor, Handled = [new HandledEvent($"{owner}-taken", TakenCursor)] });
            Report($"committed {TakenCursor}");
            return 0;
        }
    }

    private static void Report(string line) => Console.Out.WriteLine(line);
}
