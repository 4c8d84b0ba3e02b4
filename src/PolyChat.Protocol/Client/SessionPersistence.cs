using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Storage;
using PolyChat.Protocol.Streaming;

namespace PolyChat.Protocol.Client;

/// <summary>
/// A session's writes to its <see cref="ISessionStore"/>, in the order they happen: the outbox (each message stored
/// before its first attempt, each attempt counted before it goes out, each settlement removed), and the commit of what
/// the application handled. One write at a time, so a settlement can never be overtaken by the commit of a cursor past
/// its echo. The lease is renewed by every write, and by a timer while none comes.
/// </summary>
internal sealed class SessionPersistence : IAsyncDisposable
{
    private readonly ISessionStore _store;
    private readonly TimeProvider _time;
    private readonly int _recentWindow;
    private readonly Action<SessionLeaseException> _leaseLost;
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly ConcurrentQueue<SettledMessage> _settled = new();
    private readonly ConcurrentQueue<string> _completedStreams = new();
    private readonly ITimer _renewal;
    private int _flushScheduled;
    private bool _released;
    private volatile bool _detached;

    public SessionPersistence(ISessionStore store, StoredSession stored, TimeProvider time, int recentWindow, Action<SessionLeaseException> leaseLost)
    {
        _store = store;
        _time = time;
        _recentWindow = recentWindow;
        _leaseLost = leaseLost;
        Lease = stored.Lease ?? throw new ArgumentException("The stored session was read without a lease.", nameof(stored));
        // A third of the lease: two renewals may fail (a slow database) before another owner could take over.
        var period = Lease.Duration / 3;
        _renewal = time.CreateTimer(static state => _ = ((SessionPersistence)state!).RenewAsync(), this, period, period);
    }

    public SessionLease Lease { get; }

    /// <summary>Stores a message accepted for sending; returns once it is durable.</summary>
    public async ValueTask AcceptAsync(string clientEventId, ReadOnlyMemory<byte> frame, DateTimeOffset acceptedAt)
    {
        var entry = new OutboxEntry(clientEventId, Encoding.UTF8.GetString(frame.Span), acceptedAt, 0);
        await WriteAsync(lease => _store.AddToOutboxAsync(lease, entry)).ConfigureAwait(false);
    }

    /// <summary>Counts an attempt before it goes out, so no process sends a message more often than its schedule allows.</summary>
    public ValueTask RecordAttemptAsync(string clientEventId, int attempts) =>
        WriteAsync(lease => _store.RecordAttemptAsync(lease, clientEventId, attempts));

    /// <summary>A message settled: marked in the outbox with the next commit, or by a flush soon after.</summary>
    public void Settled(string clientEventId, DeliveryStatus status)
    {
        if (_detached)
        {
            return;
        }

        _settled.Enqueue(new SettledMessage(clientEventId, status));
        ScheduleFlush();
    }

    /// <summary>A streamed reply was given up: its stored chunks are removed.</summary>
    public void StreamClosed(string messageId)
    {
        if (_detached)
        {
            return;
        }

        _completedStreams.Enqueue(messageId);
        ScheduleFlush();
    }

    /// <summary>
    /// The application disposed the session: from now on nothing settles in the store (pending messages stay pending,
    /// open replies stay open), since the session goes on without this process. What settled before is still written.
    /// </summary>
    public void Detach() => _detached = true;

    /// <summary>Commits an event the application handled, with everything that settled before it.</summary>
    public ValueTask HandledAsync(Event handled) => CommitAsync(handled);

    /// <summary>Gives the lease up (best effort) and stops renewing it; what is still queued is written first.</summary>
    public async ValueTask DisposeAsync()
    {
        await _renewal.DisposeAsync().ConfigureAwait(false);
        try
        {
            await FlushAsync().ConfigureAwait(false);
            await _write.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!_released)
                {
                    _released = true;
                    await _store.ReleaseAsync(Lease).ConfigureAwait(false);
                }
            }
            finally
            {
                _write.Release();
            }
        }
        catch (Exception exception) when (CallbackGuard.IsRecoverable(exception))
        {
            // The lease expires by itself; what was not flushed is restored and settled again by the next owner.
        }
    }

    private SessionCommit Commit(Event? handled)
    {
        var settled = Drain(_settled);
        var completed = Drain(_completedStreams);
        if (handled is null)
        {
            return new SessionCommit { Settled = settled, CompletedStreams = completed, RecentWindow = _recentWindow };
        }

        // An echo settles its message in the commit that handles it, whatever the receipt's own write is doing: the
        // cursor must never pass an echo while the store still holds its message as pending (a restart would send it
        // again, and the server would keep a second copy).
        if (handled.Direction == EventDirection.Both && handled.Id is not null
            && handled.Metadata?.Custom is { } custom && custom.TryGetValue(DeliveryTracker.ClientEventIdKey, out var clientEventId))
        {
            settled.Add(new SettledMessage(clientEventId, DeliveryStatus.Sent));
        }

        var chunks = new List<StreamChunk>(1);
        switch (handled)
        {
            case PolyAgentMessageChunkEvent chunk:
                chunks.Add(new StreamChunk(chunk.Payload.MessageId, PolyChatJson.Write(chunk)));
                break;
            case PolyAgentMessageEvent { Id: { } id } assembled when id.StartsWith(StreamingMessage.AssembledIdPrefix, StringComparison.Ordinal):
                completed.Add(assembled.Payload.MessageId ?? id[StreamingMessage.AssembledIdPrefix.Length..]);
                break;
        }

        return new SessionCommit
        {
            Cursor = handled.Sequence ?? 0,
            Handled = handled.Id is { Length: > 0 } eventId ? [new HandledEvent(eventId, handled.Sequence)] : [],
            RecentWindow = _recentWindow,
            Settled = settled,
            CompletedStreams = completed,
            OpenChunks = chunks,
            Capabilities = handled is SessionStartEvent start ? start.Payload.Capabilities : null,
            AgentJoined = handled is PolyAgentJoinedEvent or RequestPolyAgentJoinEvent,
            EndReason = handled is SessionEndEvent end ? end.Payload.Reason?.Value ?? "SESSION_END" : null,
        };
    }

    private static List<T> Drain<T>(ConcurrentQueue<T> queue)
    {
        var drained = new List<T>();
        while (queue.TryDequeue(out var item))
        {
            drained.Add(item);
        }

        return drained;
    }

    private void ScheduleFlush()
    {
        if (Interlocked.Exchange(ref _flushScheduled, 1) == 0)
        {
            _ = FlushSoonAsync();
        }
    }

    private async Task FlushSoonAsync()
    {
        try
        {
            await FlushAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (CallbackGuard.IsRecoverable(exception))
        {
            // Left queued for the next commit (the lease's loss was reported by WriteAsync).
        }
    }

    private async ValueTask FlushAsync()
    {
        Volatile.Write(ref _flushScheduled, 0);
        if (!_settled.IsEmpty || !_completedStreams.IsEmpty)
        {
            await CommitAsync(null).ConfigureAwait(false);
        }
    }

    private ValueTask CommitAsync(Event? handled) => WriteAsync(async lease =>
    {
        var commit = Commit(handled);
        if (commit.IsEmpty)
        {
            return;
        }

        try
        {
            await _store.CommitAsync(lease, commit).ConfigureAwait(false);
        }
        catch
        {
            // Nothing of the commit was stored: what settled is written with the next one.
            Requeue(commit);
            throw;
        }
    });

    private void Requeue(SessionCommit commit)
    {
        foreach (var settled in commit.Settled)
        {
            _settled.Enqueue(settled);
        }

        foreach (var id in commit.CompletedStreams)
        {
            _completedStreams.Enqueue(id);
        }
    }

    private async Task RenewAsync()
    {
        try
        {
            await WriteAsync(lease => _store.RenewAsync(lease)).ConfigureAwait(false);
        }
        catch (Exception exception) when (CallbackGuard.IsRecoverable(exception))
        {
            // A lost lease was reported; any other failure is retried at the next period, well inside the lease.
        }
    }

    private async ValueTask WriteAsync(Func<SessionLease, ValueTask> write)
    {
        await _write.WaitAsync().ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_released, this);
            await write(Lease).ConfigureAwait(false);
        }
        catch (SessionLeaseException lost)
        {
            _leaseLost(lost);
            throw;
        }
        finally
        {
            _write.Release();
        }
    }
}
