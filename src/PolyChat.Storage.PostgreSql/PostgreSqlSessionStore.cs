using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using PolyChat.Protocol.Storage;

namespace PolyChat.Storage.PostgreSql;

/// <summary>
/// Stores durable PolyChat sessions in PostgreSQL: the store for a fleet of processes on several machines that share
/// sessions. Every call is one transaction in <c>READ COMMITTED</c>; a write under a lease starts by updating the
/// session's row where the fencing token still matches, which takes the row's lock, so a takeover and a late write
/// from the previous owner are ordered and the late one is refused.
/// </summary>
/// <remarks>
/// The tables are created in the connection's default schema (its <c>search_path</c>) on first use, under an advisory
/// lock so processes that start together do not race on them. A process paused in the middle of a call holds its
/// session's row lock until it resumes or the server drops its connection; set <c>idle_in_transaction_session_timeout</c>
/// on the server (or in the connection string's <c>Options</c>) to bound how long a takeover can wait for it.
/// </remarks>
/// <example>
/// <code>
/// await using var store = new PostgreSqlSessionStore("Host=db;Database=polychat;Username=worker;Password=…");
/// await using var session = await PolyChatSession.ConnectAsync(new SessionOptions
/// {
///     WebSocketAddress = address, SessionId = sessionId, AccessToken = token,
///     Storage = new StorageOptions { Store = store, Owner = "worker-1" },
/// });
/// </code>
/// </example>
public sealed class PostgreSqlSessionStore : SqlSessionStore, IAsyncDisposable
{
    // The advisory lock key that serialises creating the tables: "polychat" in ASCII.
    private const long SchemaLockKey = 0x706F6C7963686174;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

    /// <summary>Creates a store over a PostgreSQL database; its tables are created on first use.</summary>
    /// <param name="connectionString">An Npgsql connection string, such as <c>Host=db;Database=polychat;Username=worker</c>.</param>
    /// <remarks>The store builds and owns a data source (a connection pool): dispose the store to close it.</remarks>
    public PostgreSqlSessionStore(string connectionString)
        : this(connectionString, null)
    {
    }

    /// <summary>Creates a store over a PostgreSQL database, with its own clock; its tables are created on first use.</summary>
    /// <param name="connectionString">An Npgsql connection string, such as <c>Host=db;Database=polychat;Username=worker</c>.</param>
    /// <param name="timeProvider">The clock of leases and timestamps; <see cref="TimeProvider.System"/> when null.</param>
    /// <remarks>The store builds and owns a data source (a connection pool): dispose the store to close it.</remarks>
    public PostgreSqlSessionStore(string connectionString, TimeProvider? timeProvider)
        : base(timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);

        // The slim builder: the store only sends text and 64-bit integers, and it keeps the package trimmable.
        _dataSource = new NpgsqlSlimDataSourceBuilder(connectionString).Build();
        _ownsDataSource = true;
    }

    /// <summary>Creates a store over a data source the application configured; its tables are created on first use.</summary>
    /// <param name="dataSource">The data source; the application keeps owning it (disposing the store leaves it open).</param>
    public PostgreSqlSessionStore(NpgsqlDataSource dataSource)
        : this(dataSource, null)
    {
    }

    /// <summary>Creates a store over a data source the application configured, with its own clock; its tables are created on first use.</summary>
    /// <param name="dataSource">The data source; the application keeps owning it (disposing the store leaves it open).</param>
    /// <param name="timeProvider">The clock of leases and timestamps; <see cref="TimeProvider.System"/> when null.</param>
    public PostgreSqlSessionStore(NpgsqlDataSource dataSource, TimeProvider? timeProvider)
        : base(timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> SchemaStatements { get; } =
    [
        // One statement, so one transaction: the lock is held while the tables are created and released at its end.
        // Two sessions that run CREATE TABLE IF NOT EXISTS at the same moment can otherwise both try to create the table.
        $"DO $polychat$ BEGIN PERFORM pg_advisory_xact_lock({SchemaLockKey}); {string.Join("; ", DefaultSchema)}; END $polychat$",
    ];

    /// <summary>Closes the data source when the store created it; a data source passed in is left open.</summary>
    /// <returns>A task that completes when the connections are closed.</returns>
    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : default;

    /// <inheritdoc/>
    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
}
