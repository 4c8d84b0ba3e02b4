using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Delivery;

namespace PolyChat.Protocol.Storage;

// The commit of handled events and settled messages, and reading a session's state back.
public abstract partial class SqlSessionStore
{
    /// <inheritdoc/>
    public ValueTask CommitAsync(SessionLease lease, SessionCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        return UnderLeaseAsync(lease, (connection, transaction, token) => WriteCommitAsync(connection, transaction, lease.SessionId, commit, token), cancellationToken);
    }

    private static async ValueTask WriteCommitAsync(DbConnection connection, DbTransaction transaction, string id, SessionCommit commit, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            connection,
            transaction,
            "UPDATE polychat_sessions SET handled_cursor = CASE WHEN handled_cursor < @cursor THEN @cursor ELSE handled_cursor END, " +
            "capabilities = COALESCE(@capabilities, capabilities), " +
            "agent_joined = CASE WHEN @joined = 1 THEN 1 ELSE agent_joined END, " +
            "end_reason = COALESCE(@ended, end_reason) WHERE session_id = @id",
            cancellationToken,
            ("@id", id),
            ("@cursor", commit.Cursor),
            ("@capabilities", WriteCapabilities(commit.Capabilities)),
            ("@joined", commit.AgentJoined ? 1L : 0L),
            ("@ended", commit.EndReason)).ConfigureAwait(false);

        foreach (var settled in commit.Settled)
        {
            await ExecuteAsync(
                connection,
                transaction,
                "UPDATE polychat_outbox SET settled = @status WHERE session_id = @id AND client_event_id = @client",
                cancellationToken,
                ("@id", id),
                ("@client", settled.ClientEventId),
                ("@status", settled.Status == DeliveryStatus.Sent ? "sent" : "failed")).ConfigureAwait(false);
        }

        if (commit.Settled.Count > 0)
        {
            // Settled ids are remembered among the most recent messages only.
            await ExecuteAsync(
                connection,
                transaction,
                "DELETE FROM polychat_outbox WHERE session_id = @id AND settled IS NOT NULL AND ordinal <= " +
                "(SELECT MAX(ordinal) FROM polychat_outbox WHERE session_id = @id) - @window",
                cancellationToken,
                ("@id", id),
                ("@window", (long)Math.Max(commit.RecentWindow, 0))).ConfigureAwait(false);
        }

        foreach (var messageId in commit.CompletedStreams)
        {
            await ExecuteAsync(
                connection,
                transaction,
                "DELETE FROM polychat_chunks WHERE session_id = @id AND message_id = @message",
                cancellationToken,
                ("@id", id),
                ("@message", messageId)).ConfigureAwait(false);
        }

        if (commit.OpenChunks.Count > 0)
        {
            var ordinal = await NextPositionAsync(connection, transaction, "polychat_chunks", id, cancellationToken).ConfigureAwait(false);
            foreach (var chunk in commit.OpenChunks)
            {
                await ExecuteAsync(
                    connection,
                    transaction,
                    "INSERT INTO polychat_chunks (session_id, ordinal, message_id, frame) VALUES (@id, @position, @message, @frame)",
                    cancellationToken,
                    ("@id", id),
                    ("@position", ordinal++),
                    ("@message", chunk.MessageId),
                    ("@frame", chunk.Frame)).ConfigureAwait(false);
            }
        }

        if (commit.Handled.Count > 0)
        {
            var ordinal = await NextPositionAsync(connection, transaction, "polychat_recent", id, cancellationToken).ConfigureAwait(false);
            foreach (var handled in commit.Handled)
            {
                await ExecuteAsync(
                    connection,
                    transaction,
                    "INSERT INTO polychat_recent (session_id, ordinal, event_id, sequence) VALUES (@id, @position, @event, @sequence)",
                    cancellationToken,
                    ("@id", id),
                    ("@position", ordinal++),
                    ("@event", handled.Id),
                    ("@sequence", handled.Sequence)).ConfigureAwait(false);
            }

            await ExecuteAsync(
                connection,
                transaction,
                "DELETE FROM polychat_recent WHERE session_id = @id AND ordinal < @keep",
                cancellationToken,
                ("@id", id),
                ("@keep", ordinal - Math.Max(commit.RecentWindow, 0))).ConfigureAwait(false);
        }
    }

    private static async ValueTask<long> NextPositionAsync(
        DbConnection connection, DbTransaction transaction, string table, string sessionId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT COALESCE(MAX(ordinal), 0) + 1 FROM {table} WHERE session_id = @id", ("@id", sessionId));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async ValueTask<(StoredSession Session, long Token)?> ReadCoreAsync(
        DbConnection connection, DbTransaction? transaction, string sessionId, CancellationToken cancellationToken)
    {
        StoredSession session;
        long token;
        await using (var command = Command(
            connection,
            transaction,
            "SELECT handled_cursor, capabilities, agent_joined, end_reason, owner, lease_expires_at, lease_token, created_at, updated_at " +
            "FROM polychat_sessions WHERE session_id = @id",
            ("@id", sessionId)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            token = reader.GetInt64(6);
            session = new StoredSession
            {
                SessionId = sessionId,
                Cursor = reader.GetInt64(0),
                Capabilities = ReadCapabilities(reader.IsDBNull(1) ? null : reader.GetString(1)),
                AgentJoined = reader.GetInt64(2) != 0,
                EndReason = reader.IsDBNull(3) ? null : reader.GetString(3),
                Owner = reader.IsDBNull(4) ? null : reader.GetString(4),
                LeaseExpiresAt = reader.IsDBNull(5) ? null : Instant(reader.GetInt64(5)),
                CreatedAt = Instant(reader.GetInt64(7)),
                UpdatedAt = Instant(reader.GetInt64(8)),
            };
        }

        var recent = new List<HandledEvent>();
        await using (var command = Command(connection, transaction, "SELECT event_id, sequence FROM polychat_recent WHERE session_id = @id ORDER BY ordinal", ("@id", sessionId)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                recent.Add(new HandledEvent(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1)));
            }
        }

        var chunks = new List<StreamChunk>();
        await using (var command = Command(connection, transaction, "SELECT message_id, frame FROM polychat_chunks WHERE session_id = @id ORDER BY ordinal", ("@id", sessionId)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                chunks.Add(new StreamChunk(reader.GetString(0), reader.GetString(1)));
            }
        }

        var outbox = new List<OutboxEntry>();
        var settled = new List<SettledMessage>();
        await using (var command = Command(
            connection,
            transaction,
            "SELECT client_event_id, ordinal, frame, accepted_at, attempts, settled FROM polychat_outbox WHERE session_id = @id ORDER BY ordinal",
            ("@id", sessionId)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!reader.IsDBNull(5))
                {
                    settled.Add(new SettledMessage(reader.GetString(0), reader.GetString(5) == "sent" ? DeliveryStatus.Sent : DeliveryStatus.Failed));
                    continue;
                }

                outbox.Add(new OutboxEntry(reader.GetString(0), reader.GetString(2), Instant(reader.GetInt64(3)), (int)reader.GetInt64(4)));
            }
        }

        return (session with { RecentEvents = recent, OpenChunks = chunks, Outbox = outbox, RecentlySettled = settled }, token);
    }
}
