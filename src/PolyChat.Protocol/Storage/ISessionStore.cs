using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Protocol.Storage;

/// <summary>
/// Where a <see cref="Client.PolyChatSession"/> keeps what it must not lose when its process dies: the cursor of the
/// events the application handled, the recent ids that drop replayed copies, the capabilities, whether the agent joined,
/// the streamed reply still open, and the outbox of messages accepted for sending. Set it as
/// <see cref="Client.SessionOptions.Storage"/> (<see cref="StorageOptions.Store"/>); <c>PolyChat.Storage.Sqlite</c> and <c>PolyChat.Storage.PostgreSql</c>
/// implement it.
/// </summary>
/// <remarks>
/// <para>
/// One process drives a session at a time: <see cref="AcquireAsync"/> takes a lease with a fencing token, and every
/// write names the <see cref="SessionLease"/> it was made under. A write under a lease that another owner has since
/// taken is refused (<see cref="SessionLeaseException"/>, <see cref="SessionLeaseFailure.Lost"/>), so a process that
/// was paused past its lease cannot overwrite its successor's state. Every write under a lease also extends it.
/// </para>
/// <para>
/// Implementations must make each call atomic (all of it is stored or none) and durable against the process being
/// killed once it returns. The access token is never stored.
/// </para>
/// </remarks>
public interface ISessionStore
{
    /// <summary>
    /// Takes the lease on a session for <paramref name="owner"/> and reads its state; a session the store has never
    /// seen is created, empty. The lease is granted when nobody holds it, when its holder's lease has expired, or when
    /// <paramref name="owner"/> holds it already; each grant has a higher <see cref="SessionLease.Token"/> than the last.
    /// </summary>
    /// <param name="sessionId">The PolyAI session id.</param>
    /// <param name="owner">Who drives the session (a process, a machine): shown to operators and in refusals.</param>
    /// <param name="leaseDuration">How long the lease lasts unless renewed by a write or <see cref="RenewAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session's state and the lease to write under.</returns>
    /// <exception cref="SessionLeaseException">Another owner's lease has not expired (<see cref="SessionLeaseFailure.Owned"/>).</exception>
    ValueTask<StoredSession> AcquireAsync(string sessionId, string owner, System.TimeSpan leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>Extends the lease by its duration from now.</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the lease is extended.</returns>
    /// <exception cref="SessionLeaseException">Another owner has taken the session (<see cref="SessionLeaseFailure.Lost"/>).</exception>
    ValueTask RenewAsync(SessionLease lease, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up, so another owner may take the session at once; nothing more can be written under it.</summary>
    /// <param name="lease">The lease; a lease lost already is ignored.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the lease is released.</returns>
    ValueTask ReleaseAsync(SessionLease lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a message accepted for sending to the outbox, before its first attempt, after every message added before
    /// it (the outbox keeps the order of acceptance: the order owed attempts go out in).
    /// </summary>
    /// <param name="lease">The lease.</param>
    /// <param name="entry">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the entry is durable.</returns>
    /// <exception cref="SessionLeaseException">Another owner has taken the session.</exception>
    ValueTask AddToOutboxAsync(SessionLease lease, OutboxEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Records that an outbox entry is about to be sent for the <paramref name="attempts"/>th time.</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="clientEventId">The entry's <c>client_event_id</c>.</param>
    /// <param name="attempts">The attempts counted so far, this one included.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the count is durable.</returns>
    /// <exception cref="SessionLeaseException">Another owner has taken the session.</exception>
    ValueTask RecordAttemptAsync(SessionLease lease, string clientEventId, int attempts, CancellationToken cancellationToken = default);

    /// <summary>Stores, in one transaction, what the application handled and what settled since the last commit.</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="commit">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the changes are durable.</returns>
    /// <exception cref="SessionLeaseException">Another owner has taken the session.</exception>
    ValueTask CommitAsync(SessionLease lease, SessionCommit commit, CancellationToken cancellationToken = default);

    /// <summary>Reads a session's state without taking its lease (for operators and tools).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state, or null when the store does not hold the session.</returns>
    ValueTask<StoredSession?> ReadAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Lists the stored sessions, most recently updated first.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One summary per session.</returns>
    ValueTask<IReadOnlyList<StoredSessionSummary>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a session and everything stored for it, whoever holds its lease.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the store held the session.</returns>
    ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken = default);
}
