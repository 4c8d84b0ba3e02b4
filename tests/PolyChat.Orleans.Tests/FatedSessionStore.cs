using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Storage;

namespace PolyChat.Orleans.Tests;

/// <summary>The shared store as one silo reaches it: every call fails once the silo is dead (<see cref="SiloFate.Kill"/>).</summary>
internal sealed class FatedSessionStore(ISessionStore inner, SiloFate fate) : ISessionStore
{
    public async ValueTask<StoredSession> AcquireAsync(string sessionId, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        fate.ThrowIfDead();
        var stored = await inner.AcquireAsync(sessionId, owner, leaseDuration, cancellationToken);
        fate.ThrowIfDead();
        return stored;
    }

    public ValueTask RenewAsync(SessionLease lease, CancellationToken cancellationToken = default) =>
        Alive(() => inner.RenewAsync(lease, cancellationToken));

    public ValueTask ReleaseAsync(SessionLease lease, CancellationToken cancellationToken = default) =>
        Alive(() => inner.ReleaseAsync(lease, cancellationToken));

    public ValueTask AddToOutboxAsync(SessionLease lease, OutboxEntry entry, CancellationToken cancellationToken = default) =>
        Alive(() => inner.AddToOutboxAsync(lease, entry, cancellationToken));

    public ValueTask RecordAttemptAsync(SessionLease lease, string clientEventId, int attempts, CancellationToken cancellationToken = default) =>
        Alive(() => inner.RecordAttemptAsync(lease, clientEventId, attempts, cancellationToken));

    public ValueTask CommitAsync(SessionLease lease, SessionCommit commit, CancellationToken cancellationToken = default) =>
        Alive(() => inner.CommitAsync(lease, commit, cancellationToken));

    public ValueTask<StoredSession?> ReadAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        fate.ThrowIfDead();
        return inner.ReadAsync(sessionId, cancellationToken);
    }

    public ValueTask<IReadOnlyList<StoredSessionSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        fate.ThrowIfDead();
        return inner.ListAsync(cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        fate.ThrowIfDead();
        return inner.DeleteAsync(sessionId, cancellationToken);
    }

    private ValueTask Alive(Func<ValueTask> call)
    {
        fate.ThrowIfDead();
        return call();
    }
}
