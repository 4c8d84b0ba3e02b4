using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Npgsql;
using PolyChat.Protocol.Storage;

namespace PolyChat.Cli.Sessions;

/// <summary>
/// The session store's own reads (<see cref="SqlSessionStore.ListAsync"/>, <see cref="SqlSessionStore.ReadAsync"/>)
/// over a connection that only reads: unlike <c>SqliteSessionStore</c> and <c>PostgreSqlSessionStore</c> it creates
/// no tables and sets no journal mode, and a SQLite file is opened read-only, so looking never changes a store.
/// </summary>
internal sealed class ReadOnlyStore : SqlSessionStore, IAsyncDisposable
{
    private static readonly string[] Tables = ["polychat_sessions", "polychat_recent", "polychat_outbox", "polychat_chunks"];

    private readonly StoreLocation _location;
    private readonly NpgsqlDataSource? _dataSource;

    public ReadOnlyStore(StoreLocation location, TimeProvider? timeProvider = null)
        : base(timeProvider)
    {
        _location = location;
        if (location.Kind == StoreKind.PostgreSql)
        {
            // The slim builder: text and 64-bit integers are all the store reads, and it stays trimmable (Native AOT).
            _dataSource = new NpgsqlSlimDataSourceBuilder(location.ConnectionString).Build();
        }
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> SchemaStatements => [];

    /// <summary>Whether the database holds the store's four tables (a database that does not is not a session store).</summary>
    public async Task<bool> HasTablesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _location.Kind == StoreKind.Sqlite
            ? $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ({string.Join(", ", Array.ConvertAll(Tables, t => $"'{t}'"))})"
            : $"SELECT COUNT(*) FROM (VALUES {string.Join(", ", Array.ConvertAll(Tables, t => $"('{t}')"))}) AS t(name) WHERE to_regclass(t.name) IS NOT NULL";
        var count = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        return count == Tables.Length;
    }

    public ValueTask DisposeAsync() => _dataSource?.DisposeAsync() ?? default;

    /// <inheritdoc/>
    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is not null)
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new SqliteConnection(_location.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();

            // A writer may hold the file (a running service): wait for it rather than fail at once.
            pragma.CommandText = "PRAGMA busy_timeout = 10000";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
