using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Storage;
using PolyChat.Protocol.Streaming;

namespace PolyChat.Protocol.Client;

// A stored session: taking its lease, restoring its state, committing what the application handled.
public sealed partial class PolyChatSession
{
    private SessionPersistence? _persistence;

    // The event last handed to the application: handled, and committed, when it asks for the next one.
    private Event? _handedOut;

    // A stored session carried over from another process: its first connection is a reconnect (owed attempts go out).
    private bool _resumed;

    // Ids an earlier process of this stored session sent (their echo came): a send repeated under one is not sent again.
    private HashSet<string>? _sentBefore;

    /// <summary>Takes the stored session's lease; refuses a session whose end was handled already.</summary>
    private static async Task<StoredSession> AcquireAsync(SessionOptions options, StorageOptions storage, CancellationToken cancellationToken)
    {
        var stored = await storage.Store.AcquireAsync(options.SessionId, storage.Owner, storage.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (stored.EndReason is { } reason)
        {
            await storage.Store.ReleaseAsync(stored.Lease!.Value, cancellationToken).ConfigureAwait(false);
            throw new SessionClosedException(
                $"Session {options.SessionId} ended ({reason}) and the application handled its end; its stored state stays until the store deletes it.", null);
        }

        return stored;
    }

    /// <summary>
    /// Puts a stored session back as it stood when its last process stopped: the cursor of what the application handled
    /// (a new record starts at <see cref="SessionOptions.Cursor"/>), the recent ids, the capabilities, the agent's join,
    /// the chunks of an open streamed reply, and the outbox with each message's schedule.
    /// </summary>
    private void Restore(StoredSession stored, StorageOptions storage)
    {
        _persistence = new SessionPersistence(storage.Store, stored, _options.TimeProvider, storage.RecentEvents, OnLeaseLost);
        if (stored.IsNew)
        {
            return;
        }

        _resumed = true;
        _receiver.StartAt(stored.Cursor);
        foreach (var handled in stored.RecentEvents)
        {
            _receiver.Remember(handled.Id, handled.Sequence);
        }

        _capabilities = stored.Capabilities;
        foreach (var settled in stored.RecentlySettled)
        {
            if (settled.Status == DeliveryStatus.Sent)
            {
                (_sentBefore ??= new HashSet<string>(StringComparer.Ordinal)).Add(settled.ClientEventId);
            }
        }

        _join = stored.AgentJoined ? AgentJoin.Joined : AgentJoin.Unknown;
        foreach (var chunk in stored.OpenChunks)
        {
            if (PolyChatJson.Read(chunk.Frame) is PolyAgentMessageChunkEvent part
                && _assembler.Add(part, out var message) == ChunkResult.Applied && message!.IsComplete)
            {
                // Its last chunk was handled, the assembled message not yet: that one is the event in hand, given again.
                _events.Writer.TryWrite(message.ToMessageEvent());
            }
        }

        if (stored.Outbox.Count == 0)
        {
            return;
        }

        // Attempts that fall due before the first connection's history is processed are owed to it.
        _deliveries.OnDisconnected();
        var now = _options.TimeProvider.GetUtcNow();
        foreach (var entry in stored.Outbox)
        {
            var frame = System.Text.Encoding.UTF8.GetBytes(entry.Frame);
            var sent = PolyChatJson.Read(frame);
            if (sent is RequestPolyAgentJoinEvent && _join == AgentJoin.Unknown)
            {
                _join = AgentJoin.Requested;
            }
            else if (sent is UserEndSessionEvent)
            {
                // The end was asked for before the restart: a 404 or 4001 now is that end, not a lost session.
                _endRequested = true;
            }

            var age = now - entry.AcceptedAt;
            var message = _deliveries.Restore(sent, age < TimeSpan.Zero ? TimeSpan.Zero : age, entry.Attempts);
            _frames[message.ClientEventId] = frame;
        }
    }

    /// <summary>The events, each committed as handled when the next is asked for (see <see cref="ReadEventsAsync"/>).</summary>
    private async IAsyncEnumerable<Event> ReadHandledAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = _events.Reader;
        while (true)
        {
            await CommitHandedOutAsync().ConfigureAwait(false);
            if (!reader.TryRead(out var next))
            {
                if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }

                continue;
            }

            Volatile.Write(ref _handedOut, next);
            yield return next;
        }
    }

    private async ValueTask CommitHandedOutAsync()
    {
        var handled = Interlocked.Exchange(ref _handedOut, null);
        if (handled is null)
        {
            return;
        }

        try
        {
            await _persistence!.HandledAsync(handled).ConfigureAwait(false);
        }
        catch
        {
            // Not committed: the next read tries again, so the cursor never passes an event nobody stored as handled.
            Interlocked.CompareExchange(ref _handedOut, handled, null);
            throw;
        }
    }

    /// <summary>
    /// Stores a message before it is tracked and sent, so <see cref="SendAsync"/> returns only once it is durable. A send
    /// repeated under a <c>client_event_id</c> that is pending, or was sent (also by an earlier process), returns that
    /// message and sends nothing: an application that repeats its last send after a restart does not send it twice.
    /// </summary>
    private async ValueTask<TrackedMessage> SendDurablyAsync(Event stamped, string clientEventId, ReadOnlyMemory<byte> frame)
    {
        if (_deliveries.TryGetMessage(clientEventId, out var known) && known.Status != DeliveryStatus.Failed)
        {
            return known;
        }

        if (_sentBefore is { } sentBefore && sentBefore.Contains(clientEventId))
        {
            var earlier = new TrackedMessage(clientEventId, stamped);
            earlier.Settle(DeliveryStatus.Sent, echo: null, DeliveryFailure.None, reason: null);
            return earlier;
        }

        await _persistence!.AcceptAsync(clientEventId, frame, _options.TimeProvider.GetUtcNow()).ConfigureAwait(false);
        var added = _frames.TryAdd(clientEventId, frame);
        try
        {
            return await _deliveries.SendAsync(stamped).ConfigureAwait(false);
        }
        catch
        {
            // Refused (too many pending, an id still pending): it was never accepted, so it leaves the outbox too.
            if (added)
            {
                _frames.TryRemove(clientEventId, out _);
                _persistence.Settled(clientEventId, DeliveryStatus.Failed);
            }

            throw;
        }
    }

    /// <summary>Counts a tracked message's attempt in the store before it goes out.</summary>
    private ValueTask RecordAttemptAsync(string clientEventId) =>
        _persistence is not null && _deliveries.TryGetMessage(clientEventId, out var message)
            ? _persistence.RecordAttemptAsync(clientEventId, message.Attempts)
            : ValueTask.CompletedTask;

    /// <summary>Another owner took the session: this process stops driving it at once, and the stream throws why.</summary>
    private void OnLeaseLost(SessionLeaseException lost) =>
        _ = Task.Run(() => FinishAsync(SessionEnd.Failed(lost)));
}
