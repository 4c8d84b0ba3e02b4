using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Storage;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests.Storage;

/// <summary>
/// A stored session stopped and resumed by another session object on the same SQLite file, against the simulator:
/// what the application handled is not delivered again, the event in hand is, and the outbox keeps each message's
/// identity, attempts and deadline (§2: 0/5/10/20 s, failed at 35 s; here scaled to a 300 ms unit).
/// </summary>
public sealed class DurableSessionTests : IDisposable
{
    // The §2 schedule with RetryDelay 300 ms (ClientSessions.Fast): attempts at 0, 0.3, 0.6 and 1.2 s, failed at 2.1 s.
    private static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(2100);

    private readonly TempSqliteStore _file = new();

    private ISessionStore Store => _file.Store;

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task HandledEventsAreNotDeliveredAgainAndTheEventInHandIs()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await ClientSessions.CreateAsync(harness);
        var handled = new List<Event>();
        Event inHand;
        await using (var first = await ConnectAsync(harness, sessionId, token, "worker-1"))
        {
            await using var events = first.ReadEventsAsync(harness.Token).GetAsyncEnumerator(harness.Token);
            handled.AddRange(await ReadUntilAsync(events, e => e is PolyAgentMessageEvent));
            inHand = handled[^1];
            handled.RemoveAt(handled.Count - 1);
        }

        Assert.Contains(handled, e => e is PolyAgentJoinedEvent);
        var stored = await Store.ReadAsync(sessionId);
        Assert.Equal(handled.Max(e => e.Sequence), stored!.Cursor);
        Assert.True(stored.AgentJoined);
        Assert.NotNull(stored.Capabilities);

        await using var second = await ConnectAsync(harness, sessionId, token, "worker-1");
        await using var resumed = second.ReadEventsAsync(harness.Token).GetAsyncEnumerator(harness.Token);
        Assert.True(await resumed.MoveNextAsync());
        Assert.Equal(inHand.Id, resumed.Current.Id);

        await second.SendMessageAsync("after the restart");
        var later = await ReadUntilAsync(resumed, e => e is PolyAgentMessageEvent { Payload.Text: { } text } && text.Contains("after the restart", StringComparison.Ordinal));
        var handledIds = handled.Select(e => e.Id).ToHashSet();
        Assert.DoesNotContain(later, e => handledIds.Contains(e.Id));

        // The resumed session knew the agent had joined (stored), so it asked for no second join.
        var joins = harness.Simulator.GetSession(sessionId).ReceivedFrames.Count(f => f.Type == "EVENT_TYPE_REQUEST_POLY_AGENT_JOIN");
        Assert.Equal(1, joins);
        Assert.Equal(stored.Capabilities!.HeartbeatIntervalSeconds, second.Capabilities!.HeartbeatIntervalSeconds);
    }

    [Fact]
    public async Task AnOwedAttemptOfAStoredMessageGoesOutOnceWithItsIdAndSettles()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await StartedSessionAsync(harness);

        // Accepted 400 ms ago and sent once (the send never reached the server): its 300 ms instant has passed.
        await StoreOutboxEntryAsync(sessionId, "restored-owed", "are you there?", TimeSpan.FromMilliseconds(400), attempts: 1);

        await using var session = await ConnectAsync(harness, sessionId, token, "worker-1");
        await using var events = session.ReadEventsAsync(harness.Token).GetAsyncEnumerator(harness.Token);
        Assert.True(session.Deliveries.TryGetMessage("restored-owed", out var message));
        await ReadUntilAsync(events, e => e is PolyAgentMessageEvent { Payload.Text: { } text } && text.Contains("are you there?", StringComparison.Ordinal));

        Assert.Equal(DeliveryStatus.Sent, await message.Completion.WaitAsync(harness.Token));
        Assert.Equal(2, message.Attempts);
        Assert.Single(harness.Simulator.GetSession(sessionId).ReceivedFrames, f => f.ClientEventId == "restored-owed");
        await WaitForOutboxAsync(sessionId, 0, harness.Token);
    }

    [Fact]
    public async Task AStoredMessageThatUsedEveryAttemptIsNeverSentAgainAndFailsAtItsDeadline()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await StartedSessionAsync(harness);
        await StoreOutboxEntryAsync(sessionId, "restored-spent", "lost in transit", TimeSpan.FromMilliseconds(1300), attempts: 4);

        await using var session = await ConnectAsync(harness, sessionId, token, "worker-1");
        _ = DrainAsync(session, harness.Token);
        Assert.True(session.Deliveries.TryGetMessage("restored-spent", out var message));

        Assert.Equal(DeliveryStatus.Failed, await message.Completion.WaitAsync(harness.Token));
        Assert.Equal(DeliveryFailure.RetriesExhausted, message.Failure);
        Assert.Equal(4, message.Attempts);
        Assert.DoesNotContain(harness.Simulator.GetSession(sessionId).ReceivedFrames, f => f.ClientEventId == "restored-spent");
        await WaitForOutboxAsync(sessionId, 0, harness.Token);
    }

    [Fact]
    public async Task AMessageWhoseDeadlinePassedWhileNoProcessRanIsSettledByItsEchoInTheReplay()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await ClientSessions.CreateAsync(harness);

        // A process without a store gets the echo; the stored state says it died before handling it.
        long echoSequence;
        await using (var plain = await PolyChatSession.ConnectAsync(ClientSessions.Fast(harness.Simulator.WebSocketAddress, sessionId, token), harness.Token))
        {
            await using var events = plain.ReadEventsAsync(harness.Token).GetAsyncEnumerator(harness.Token);
            await ReadUntilAsync(events, e => e is PolyAgentMessageEvent);
            var sent = await plain.SendAsync(UserMessage("sent before the crash", "echoed-in-replay"));
            Assert.Equal(DeliveryStatus.Sent, await sent.Completion.WaitAsync(harness.Token));
            echoSequence = sent.Echo!.Sequence!.Value;
        }

        var lease = (await Store.AcquireAsync(sessionId, "worker-1", TimeSpan.FromSeconds(5))).Lease!.Value;
        await Store.CommitAsync(lease, new SessionCommit { Cursor = echoSequence - 1, AgentJoined = true });
        await AddToOutboxAsync(lease, "echoed-in-replay", "sent before the crash", Deadline * 5, attempts: 1);
        await Store.ReleaseAsync(lease);

        await using var resumed = await ConnectAsync(harness, sessionId, token, "worker-1");
        Assert.True(resumed.Deliveries.TryGetMessage("echoed-in-replay", out var message));
        _ = DrainAsync(resumed, harness.Token);

        Assert.Equal(DeliveryStatus.Sent, await message.Completion.WaitAsync(harness.Token));
        Assert.Equal(echoSequence, message.Echo!.Sequence);
        Assert.Single(harness.Simulator.GetSession(sessionId).ReceivedFrames, f => f.ClientEventId == "echoed-in-replay");
    }

    [Fact]
    public async Task AMessageWhoseDeadlinePassedWithNoEchoInTheReplayFailsAfterTheHistoryUnsent()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await StartedSessionAsync(harness);
        await StoreOutboxEntryAsync(sessionId, "expired-unseen", "never arrived", Deadline * 5, attempts: 2);

        await using var session = await ConnectAsync(harness, sessionId, token, "worker-1");
        Assert.True(session.Deliveries.TryGetMessage("expired-unseen", out var message));

        // Held until the replay could show an echo: still pending before anything was read.
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        _ = DrainAsync(session, harness.Token);

        Assert.Equal(DeliveryStatus.Failed, await message.Completion.WaitAsync(harness.Token));
        Assert.Equal(DeliveryFailure.RetriesExhausted, message.Failure);
        Assert.DoesNotContain(harness.Simulator.GetSession(sessionId).ReceivedFrames, f => f.ClientEventId == "expired-unseen");
    }

    [Fact]
    public async Task AnotherOwnerIsRefusedWhileTheLeaseRunsAndATakeoverStopsTheFormerOwner()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await ClientSessions.CreateAsync(harness);
        await using var first = await ConnectAsync(harness, sessionId, token, "worker-1");
        await using var events = first.ReadEventsAsync(harness.Token).GetAsyncEnumerator(harness.Token);
        await ReadUntilAsync(events, e => e is PolyAgentJoinedEvent);

        var refused = await Assert.ThrowsAsync<SessionLeaseException>(() => ConnectAsync(harness, sessionId, token, "worker-2"));
        Assert.Equal(SessionLeaseFailure.Owned, refused.Failure);
        Assert.Equal("worker-1", refused.Owner);

        // The same owner name takes over at once (a restarted worker); the first session object is fenced off.
        await using var second = await ConnectAsync(harness, sessionId, token, "worker-1");
        var lost = await Assert.ThrowsAsync<SessionLeaseException>(async () =>
        {
            while (await events.MoveNextAsync())
            {
            }
        });
        Assert.Equal(SessionLeaseFailure.Lost, lost.Failure);
    }

    [Fact]
    public async Task SendMessageReturnsOnlyOnceTheMessageIsStored()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await StartedSessionAsync(harness);
        var gate = new GatedStore(Store);
        await using var session = await PolyChatSession.ConnectAsync(
            ClientSessions.Fast(harness.Simulator.WebSocketAddress, sessionId, token, storage: new StorageOptions { Store = gate, Owner = "worker-1" }),
            harness.Token);
        _ = DrainAsync(session, harness.Token);

        var send = session.SendAsync(UserMessage("held at the store", "gated")).AsTask();
        await gate.OutboxWriteStarted.WaitAsync(harness.Token);
        Assert.False(send.IsCompleted);
        Assert.DoesNotContain(harness.Simulator.GetSession(sessionId).ReceivedFrames, f => f.ClientEventId == "gated");

        gate.Open();
        var message = await send.WaitAsync(harness.Token);
        Assert.Equal(DeliveryStatus.Sent, await message.Completion.WaitAsync(harness.Token));
    }

    [Fact]
    public async Task ASendRepeatedUnderItsIdIsNotSentAgainInTheSameProcessOrAfterARestart()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await StartedSessionAsync(harness);
        await using (var first = await ConnectAsync(harness, sessionId, token, "worker-1"))
        {
            _ = DrainAsync(first, harness.Token);
            var sent = await first.SendAsync(UserMessage("only once", "idempotent"));
            Assert.Same(sent, await first.SendAsync(UserMessage("only once", "idempotent")));
            Assert.Equal(DeliveryStatus.Sent, await sent.Completion.WaitAsync(harness.Token));
            Assert.Same(sent, await first.SendAsync(UserMessage("only once", "idempotent")));
            while (!(await Store.ReadAsync(sessionId, harness.Token))!.RecentlySettled.Contains(new SettledMessage("idempotent", DeliveryStatus.Sent)))
            {
                await Task.Delay(10, harness.Token);
            }
        }

        await using var second = await ConnectAsync(harness, sessionId, token, "worker-1");
        _ = DrainAsync(second, harness.Token);
        var repeated = await second.SendAsync(UserMessage("only once", "idempotent"));

        Assert.Equal(DeliveryStatus.Sent, repeated.Status);
        Assert.Single(harness.Simulator.GetSession(sessionId).ReceivedFrames, f => f.ClientEventId == "idempotent");
    }

    [Fact]
    public async Task DisposingLeavesAPendingMessageInTheOutboxForTheNextProcess()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await StartedSessionAsync(harness);
        var server = harness.Simulator.GetSession(sessionId);
        var connects = 0;
        var options = ClientSessions.Fast(
            harness.Simulator.WebSocketAddress,
            sessionId,
            token,
            storage: new StorageOptions { Store = Store, Owner = "worker-1" },
            webSocketFactory: async (uri, cancellationToken) =>
            {
                // The first connection works; every later one fails, as a network that went away.
                if (Interlocked.Increment(ref connects) > 1)
                {
                    throw new System.Net.WebSockets.WebSocketException("The network is gone.");
                }

                var socket = new System.Net.WebSockets.ClientWebSocket();
                await socket.ConnectAsync(uri, cancellationToken);
                return socket;
            });
        await using (var first = await PolyChatSession.ConnectAsync(options, harness.Token))
        {
            _ = DrainAsync(first, harness.Token);

            // Cut off: the message is accepted (stored) and queued for a connection that does not come back in time.
            server.DropConnections();
            while (Volatile.Read(ref connects) < 2)
            {
                await Task.Delay(5, harness.Token);
            }

            var queued = await first.SendAsync(UserMessage("sent by the next process", "handed-over"));
            Assert.Equal(DeliveryStatus.Sending, queued.Status);
        }

        // Disposed, not failed in the store: the session goes on without that process.
        Assert.Equal("handed-over", Assert.Single((await Store.ReadAsync(sessionId))!.Outbox).ClientEventId);
        Assert.DoesNotContain((await Store.ReadAsync(sessionId))!.RecentlySettled, settled => settled.ClientEventId == "handed-over");

        await using var second = await ConnectAsync(harness, sessionId, token, "worker-1");
        Assert.True(second.Deliveries.TryGetMessage("handed-over", out var message));
        _ = DrainAsync(second, harness.Token);

        Assert.Equal(DeliveryStatus.Sent, await message.Completion.WaitAsync(harness.Token));
        Assert.Single(server.ReceivedFrames, f => f.ClientEventId == "handed-over");
    }

    [Fact]
    public async Task AnEchoTheApplicationHandledIsSettledInTheStoreEvenWhileItsReceiptWaits()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await StartedSessionAsync(harness);
        await using var session = await ConnectAsync(harness, sessionId, token, "worker-1");
        await using var events = session.ReadEventsAsync(harness.Token).GetAsyncEnumerator(harness.Token);

        // An application handler that holds the update dispatch on another message's first update. Updates are raised
        // one at a time, so every later one, the Sent receipt of "receipt-held" included, waits behind it, while the
        // receive loop goes on and hands that message's echo over. (The holder's own thread is the one held: its frame
        // goes out only when a retry or the release comes, which this test does not need.)
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Deliveries.Updated += (_, update) =>
        {
            if (update.Message.ClientEventId == "holder" && update.Kind == DeliveryUpdateKind.Sending && update.Attempts == 1)
            {
                holding.TrySetResult();
                release.Task.Wait(harness.Token);
            }
        };
        var holder = Task.Run(() => session.SendAsync(UserMessage("holds the dispatch", "holder")).AsTask(), harness.Token);
        await holding.Task.WaitAsync(harness.Token);
        var held = await session.SendAsync(UserMessage("held receipt", "receipt-held"));
        await ReadUntilAsync(events, e => e.Metadata?.Custom?.GetValueOrDefault(DeliveryTracker.ClientEventIdKey) == "receipt-held");

        // Asking for the next event commits the echo; its message must no longer be pending in the store, or a process
        // that died now would send it again on restart.
        var next = events.MoveNextAsync().AsTask();
        var stored = (await Store.ReadAsync(sessionId))!;
        while (stored.Outbox.Any(o => o.ClientEventId == "receipt-held"))
        {
            await Task.Delay(5, harness.Token);
            stored = (await Store.ReadAsync(sessionId))!;
        }

        Assert.False(release.Task.IsCompleted);
        Assert.Contains(new SettledMessage("receipt-held", DeliveryStatus.Sent), stored.RecentlySettled);
        release.SetResult();
        await holder.WaitAsync(harness.Token);
        Assert.Equal(DeliveryStatus.Sent, await held.Completion.WaitAsync(harness.Token));
        Assert.True(await next.WaitAsync(harness.Token));
    }

    [Fact]
    public async Task ASessionWhoseEndWasHandledIsNotResumed()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await ClientSessions.CreateAsync(harness);
        await using (var session = await ConnectAsync(harness, sessionId, token, "worker-1"))
        {
            await foreach (var value in session.ReadEventsAsync(harness.Token))
            {
                if (value is PolyAgentMessageEvent)
                {
                    await session.EndAsync();
                }
            }
        }

        Assert.Equal("REASON_USER_END", (await Store.ReadAsync(sessionId))!.EndReason);
        await Assert.ThrowsAsync<SessionClosedException>(() => ConnectAsync(harness, sessionId, token, "worker-1"));
    }

    private static Event UserMessage(string text, string clientEventId) =>
        new UserMessageEvent(new UserMessagePayload { Text = text })
        {
            Metadata = new Metadata { Custom = new Dictionary<string, string> { [DeliveryTracker.ClientEventIdKey] = clientEventId } },
        };

    private static async Task<List<Event>> ReadUntilAsync(IAsyncEnumerator<Event> events, Func<Event, bool> last)
    {
        var read = new List<Event>();
        while (await events.MoveNextAsync())
        {
            read.Add(events.Current);
            if (last(events.Current))
            {
                return read;
            }
        }

        throw new InvalidOperationException($"The stream ended after {read.Count} events without the one awaited.");
    }

    /// <summary>Reads (and so commits) every event until the session ends: the application of a test that watches receipts.</summary>
    private static async Task DrainAsync(PolyChatSession session, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var unused in session.ReadEventsAsync(cancellationToken))
            {
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SessionClosedException or ObjectDisposedException)
        {
            // The test ended the session.
        }
    }

    private Task<PolyChatSession> ConnectAsync(SimulatorHarness harness, string sessionId, AccessToken token, string owner) =>
        PolyChatSession.ConnectAsync(
            ClientSessions.Fast(harness.Simulator.WebSocketAddress, sessionId, token, storage: new StorageOptions { Store = Store, Owner = owner }),
            harness.Token);

    /// <summary>A session whose agent joined and greeted, handled up to the greeting by a stored session that then stopped.</summary>
    private async Task<(AccessToken Token, string SessionId)> StartedSessionAsync(SimulatorHarness harness)
    {
        var (token, sessionId) = await ClientSessions.CreateAsync(harness);
        await using var session = await ConnectAsync(harness, sessionId, token, "worker-1");
        await using var events = session.ReadEventsAsync(harness.Token).GetAsyncEnumerator(harness.Token);
        await ReadUntilAsync(events, e => e is PolyAgentMessageEvent);
        return (token, sessionId);
    }

    private async Task StoreOutboxEntryAsync(string sessionId, string clientEventId, string text, TimeSpan age, int attempts)
    {
        var lease = (await Store.AcquireAsync(sessionId, "worker-1", TimeSpan.FromSeconds(5))).Lease!.Value;
        await AddToOutboxAsync(lease, clientEventId, text, age, attempts);
        await Store.ReleaseAsync(lease);
    }

    private async Task AddToOutboxAsync(SessionLease lease, string clientEventId, string text, TimeSpan age, int attempts)
    {
        var frame = PolyChatJson.WriteClientEvent(UserMessage(text, clientEventId));
        await Store.AddToOutboxAsync(lease, new OutboxEntry(clientEventId, frame, DateTimeOffset.UtcNow - age, attempts));
    }

    private async Task WaitForOutboxAsync(string sessionId, int size, CancellationToken cancellationToken)
    {
        // Settlements are written just after they happen, off the receive loop.
        while ((await Store.ReadAsync(sessionId, cancellationToken))!.Outbox.Count != size)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>The real store, with outbox writes held at a gate the test opens.</summary>
    private sealed class GatedStore(ISessionStore inner) : ISessionStore
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OutboxWriteStarted => _started.Task;

        public void Open() => _open.TrySetResult();

        public async ValueTask AddToOutboxAsync(SessionLease lease, OutboxEntry entry, CancellationToken cancellationToken = default)
        {
            _started.TrySetResult();
            await _open.Task.WaitAsync(cancellationToken);
            await inner.AddToOutboxAsync(lease, entry, cancellationToken);
        }

        public ValueTask<StoredSession> AcquireAsync(string sessionId, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken = default) =>
            inner.AcquireAsync(sessionId, owner, leaseDuration, cancellationToken);

        public ValueTask RenewAsync(SessionLease lease, CancellationToken cancellationToken = default) => inner.RenewAsync(lease, cancellationToken);

        public ValueTask ReleaseAsync(SessionLease lease, CancellationToken cancellationToken = default) => inner.ReleaseAsync(lease, cancellationToken);

        public ValueTask RecordAttemptAsync(SessionLease lease, string clientEventId, int attempts, CancellationToken cancellationToken = default) =>
            inner.RecordAttemptAsync(lease, clientEventId, attempts, cancellationToken);

        public ValueTask CommitAsync(SessionLease lease, SessionCommit commit, CancellationToken cancellationToken = default) =>
            inner.CommitAsync(lease, commit, cancellationToken);

        public ValueTask<StoredSession?> ReadAsync(string sessionId, CancellationToken cancellationToken = default) => inner.ReadAsync(sessionId, cancellationToken);

        public ValueTask<IReadOnlyList<StoredSessionSummary>> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

        public ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken = default) => inner.DeleteAsync(sessionId, cancellationToken);
    }
}
