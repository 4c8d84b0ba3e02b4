using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Storage;

/// <summary>
/// An <see cref="ISessionStore"/> over any ADO.NET database that speaks the SQL both SQLite and PostgreSQL share
/// (<c>INSERT … ON CONFLICT</c>, <c>CASE</c>, 64-bit integers, text): four tables, every write one transaction that
/// starts by checking the lease's fencing token on the session's row. A derived class opens connections and creates
/// the tables in its own dialect.
/// </summary>
/// <remarks>
/// Instants are stored as Unix milliseconds from the store's <see cref="TimeProvider"/>, so leases expire by the
/// clock of the processes that share the store: keep their clocks closer than a lease's duration. The fencing token
/// makes a late write safe whatever the clocks say.
/// </remarks>
public abstract partial class SqlSessionStore : ISessionStore
{
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Creates the store.</summary>
    /// <param name="timeProvider">The clock of leases and timestamps; <see cref="TimeProvider.System"/> when null.</param>
    protected SqlSessionStore(TimeProvider? timeProvider) => TimeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>The clock of leases and timestamps.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>Opens a connection, ready for commands.</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The open connection; the store disposes it.</returns>
    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The statements that create the store's tables when they are missing, run once per store instance before its first
    /// command: <c>polychat_sessions</c> (a row per session: cursor, capabilities, lease), <c>polychat_recent</c> (the
    /// recent-id window), <c>polychat_outbox</c> and <c>polychat_chunks</c> (an open streamed reply). The types are
    /// ones SQLite and PostgreSQL both accept; a derived class may add its own statements.
    /// </summary>
    protected virtual IReadOnlyList<string> SchemaStatements => DefaultSchema;

    /// <summary>The tables of <see cref="SchemaStatements"/>, for a derived class that adds statements of its own.</summary>
    protected static IReadOnlyList<string> DefaultSchema { get; } =
    [
        "CREATE TABLE IF NOT EXISTS polychat_sessions (session_id TEXT NOT NULL PRIMARY KEY, handled_cursor BIGINT NOT NULL, " +
        "capabilities TEXT NULL, agent_joined BIGINT NOT NULL, end_reason TEXT NULL, owner TEXT NULL, lease_token BIGINT NOT NULL, " +
        "lease_expires_at BIGINT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS polychat_recent (session_id TEXT NOT NULL, ordinal BIGINT NOT NULL, event_id TEXT NOT NULL, " +
        "sequence BIGINT NULL, PRIMARY KEY (session_id, ordinal))",
        "CREATE TABLE IF NOT EXISTS polychat_outbox (session_id TEXT NOT NULL, client_event_id TEXT NOT NULL, ordinal BIGINT NOT NULL, " +
        "frame TEXT NOT NULL, accepted_at BIGINT NOT NULL, attempts BIGINT NOT NULL, settled TEXT NULL, PRIMARY KEY (session_id, client_event_id))",
        "CREATE TABLE IF NOT EXISTS polychat_chunks (session_id TEXT NOT NULL, ordinal BIGINT NOT NULL, message_id TEXT NOT NULL, " +
        "frame TEXT NOT NULL, PRIMARY KEY (session_id, ordinal))",
    ];

    /// <inheritdoc/>
    public async ValueTask<StoredSession> AcquireAsync(string sessionId, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = Now();
        var created = await ExecuteAsync(
            connection,
            transaction,
            "INSERT INTO polychat_sessions (session_id, handled_cursor, agent_joined, lease_token, created_at, updated_at) " +
            "VALUES (@id, 0, 0, 0, @now, @now) ON CONFLICT (session_id) DO NOTHING",
            cancellationToken,
            ("@id", sessionId),
            ("@now", now)).ConfigureAwait(false);
        var granted = await ExecuteAsync(
            connection,
            transaction,
            "UPDATE polychat_sessions SET owner = @owner, lease_token = lease_token + 1, lease_expires_at = @until, updated_at = @now " +
            "WHERE session_id = @id AND (owner IS NULL OR owner = @owner OR lease_expires_at IS NULL OR lease_expires_at <= @now)",
            cancellationToken,
            ("@id", sessionId),
            ("@owner", owner),
            ("@until", now + (long)leaseDuration.TotalMilliseconds),
            ("@now", now)).ConfigureAwait(false);
        var (session, token) = await ReadCoreAsync(connection, transaction, sessionId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Session {sessionId} vanished while its lease was taken.");
        if (granted == 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            throw new SessionLeaseException(SessionLeaseFailure.Owned, sessionId, session.Owner, session.LeaseExpiresAt);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return session with { Lease = new SessionLease(sessionId, owner, token, leaseDuration), IsNew = created == 1 };
    }

    /// <inheritdoc/>
    public ValueTask RenewAsync(SessionLease lease, CancellationToken cancellationToken = default) =>
        UnderLeaseAsync(lease, static (_, _, _) => ValueTask.CompletedTask, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask ReleaseAsync(SessionLease lease, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            null,
            // The token moves on too, so nothing more can be written under the released lease.
            "UPDATE polychat_sessions SET owner = NULL, lease_expires_at = NULL, lease_token = lease_token + 1 WHERE session_id = @id AND lease_token = @token",
            cancellationToken,
            ("@id", lease.SessionId),
            ("@token", lease.Token)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask AddToOutboxAsync(SessionLease lease, OutboxEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return UnderLeaseAsync(lease, async (connection, transaction, token) => await ExecuteAsync(
            connection,
            transaction,
            "INSERT INTO polychat_outbox (session_id, client_event_id, ordinal, frame, accepted_at, attempts) " +
            "VALUES (@id, @client, (SELECT COALESCE(MAX(ordinal), 0) + 1 FROM polychat_outbox WHERE session_id = @id), @frame, @accepted, @attempts) " +
            "ON CONFLICT (session_id, client_event_id) DO UPDATE SET ordinal = excluded.ordinal, frame = excluded.frame, " +
            "accepted_at = excluded.accepted_at, attempts = excluded.attempts, settled = NULL",
            token,
            ("@id", lease.SessionId),
            ("@client", entry.ClientEventId),
            ("@frame", entry.Frame),
            ("@accepted", entry.AcceptedAt.ToUnixTimeMilliseconds()),
            ("@attempts", (long)entry.Attempts)).ConfigureAwait(false), cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask RecordAttemptAsync(SessionLease lease, string clientEventId, int attempts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientEventId);
        return UnderLeaseAsync(lease, async (connection, transaction, token) => await ExecuteAsync(
            connection,
            transaction,
            "UPDATE polychat_outbox SET attempts = @attempts WHERE session_id = @id AND client_event_id = @client AND attempts < @attempts AND settled IS NULL",
            token,
            ("@id", lease.SessionId),
            ("@client", clientEventId),
            ("@attempts", (long)attempts)).ConfigureAwait(false), cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<StoredSession?> ReadAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadCoreAsync(connection, null, sessionId, cancellationToken).ConfigureAwait(false))?.Session;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<StoredSessionSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            "SELECT s.session_id, s.handled_cursor, s.owner, s.lease_expires_at, " +
            "(SELECT COUNT(*) FROM polychat_outbox o WHERE o.session_id = s.session_id AND o.settled IS NULL), s.end_reason, s.updated_at " +
            "FROM polychat_sessions s ORDER BY s.updated_at DESC, s.session_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sessions = new List<StoredSessionSummary>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            sessions.Add(new StoredSessionSummary(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : Instant(reader.GetInt64(3)),
                (int)reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                Instant(reader.GetInt64(6))));
        }

        return sessions;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The session's row first, as every write takes it first: a concurrent commit waits, then finds no lease to fence.
        var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM polychat_sessions WHERE session_id = @id", cancellationToken, ("@id", sessionId)).ConfigureAwait(false);
        foreach (var table in (string[])["polychat_recent", "polychat_outbox", "polychat_chunks"])
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE session_id = @id", cancellationToken, ("@id", sessionId)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    private long Now() => TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static DateTimeOffset Instant(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    private async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (_schemaReady)
        {
            return connection;
        }

        try
        {
            await _schemaLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_schemaReady)
                {
                    foreach (var statement in SchemaStatements)
                    {
                        await ExecuteAsync(connection, null, statement, cancellationToken).ConfigureAwait(false);
                    }

                    _schemaReady = true;
                }
            }
            finally
            {
                _schemaLock.Release();
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>One transaction under a lease: fenced first (<see cref="FenceAsync"/>), then <paramref name="body"/>, then committed.</summary>
    private async ValueTask UnderLeaseAsync(
        SessionLease lease, Func<DbConnection, DbTransaction, CancellationToken, ValueTask> body, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await FenceAsync(connection, transaction, lease, cancellationToken).ConfigureAwait(false);
        await body(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The first statement of every write under a lease: extends the lease, and fails the write when the token is no
    /// longer the session's. Taking the row's write lock first also orders the write against a concurrent takeover.
    /// </summary>
    private async ValueTask FenceAsync(DbConnection connection, DbTransaction transaction, SessionLease lease, CancellationToken cancellationToken)
    {
        var now = Now();
        var fenced = await ExecuteAsync(
            connection,
            transaction,
            "UPDATE polychat_sessions SET lease_expires_at = @until, updated_at = @now WHERE session_id = @id AND lease_token = @token",
            cancellationToken,
            ("@id", lease.SessionId),
            ("@token", lease.Token),
            ("@until", now + (long)lease.Duration.TotalMilliseconds),
            ("@now", now)).ConfigureAwait(false);
        if (fenced == 0)
        {
            var current = await ReadSummaryAsync(connection, transaction, lease.SessionId, cancellationToken).ConfigureAwait(false);
            throw new SessionLeaseException(SessionLeaseFailure.Lost, lease.SessionId, current.Owner, current.ExpiresAt);
        }
    }

    private static async ValueTask<(string? Owner, DateTimeOffset? ExpiresAt)> ReadSummaryAsync(
        DbConnection connection, DbTransaction? transaction, string sessionId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT owner, lease_expires_at FROM polychat_sessions WHERE session_id = @id", ("@id", sessionId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return (null, null);
        }

        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : Instant(reader.GetInt64(1)));
    }

    private static string? WriteCapabilities(Capabilities? capabilities) =>
        capabilities is null ? null : JsonSerializer.Serialize(capabilities, PolyChatJsonContext.Default.Capabilities);

    private static Capabilities? ReadCapabilities(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, PolyChatJsonContext.Default.Capabilities);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static async ValueTask<int> ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
