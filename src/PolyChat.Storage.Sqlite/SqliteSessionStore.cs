using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using PolyChat.Protocol.Storage;

namespace PolyChat.Storage.Sqlite;

/// <summary>
/// Stores durable PolyChat sessions in one SQLite file, in write-ahead-log mode: the embedded default for a service on
/// one machine. Every call is one transaction; a call that returned survives the process being killed (with
/// <c>synchronous=NORMAL</c>, the usual setting with WAL; <see cref="FullSync"/> survives a power loss too).
/// </summary>
/// <example>
/// <code>
/// var store = new SqliteSessionStore("Data Source=sessions.db");
/// await using var session = await PolyChatSession.ConnectAsync(new SessionOptions
/// {
///     WebSocketAddress = address, SessionId = sessionId, AccessToken = token,
///     Storage = new StorageOptions { Store = store, Owner = "worker-1" },
/// });
/// </code>
/// </example>
public sealed class SqliteSessionStore : SqlSessionStore
{
    private readonly string _connectionString;

    /// <summary>Creates a store over a SQLite database; the file and its tables are created on first use.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, such as <c>Data Source=sessions.db</c>.</param>
    /// <param name="timeProvider">The clock of leases and timestamps; <see cref="TimeProvider.System"/> when null.</param>
    public SqliteSessionStore(string connectionString, TimeProvider? timeProvider = null)
        : base(timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);

        // Parsed now, so a malformed string fails here rather than at the first session.
        _connectionString = new SqliteConnectionStringBuilder(connectionString).ToString();
    }

    /// <summary>
    /// Whether each commit waits for the disk (<c>synchronous=FULL</c>): durable across a power loss, not only a
    /// process crash, at the cost of an fsync per commit. Default false (<c>synchronous=NORMAL</c>).
    /// </summary>
    public bool FullSync { get; init; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> SchemaStatements { get; } = ["PRAGMA journal_mode = WAL", .. DefaultSchema];

    /// <inheritdoc/>
    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragmas = connection.CreateCommand();

            // Per connection: how long a writer waits for another (two processes on one file), and how hard a commit syncs.
            pragmas.CommandText = $"PRAGMA busy_timeout = 10000; PRAGMA synchronous = {(FullSync ? "FULL" : "NORMAL")};";
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
