using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Storage;
using PolyChat.Storage.Tests.PostgreSql;
using Xunit;

namespace PolyChat.Storage.Tests.Stores;

/// <summary>
/// What every <see cref="ISessionStore"/> must do, run against each real store: the lease and its fencing token, the
/// outbox, the commit of handled events, listing and deleting, and atomicity. Time is a <see cref="FakeTimeProvider"/>
/// given to the store, so expiry is decided by the test and not by how fast the machine is.
/// </summary>
public abstract class SessionStoreContract : IAsyncLifetime
{
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly List<ISessionStore> _stores = [];

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    protected ISessionStore Store { get; private set; } = null!;

    /// <summary>Creates a store over this test's database; each call is a separate instance (its own connections).</summary>
    protected abstract ISessionStore CreateStore(TimeProvider clock);

    public virtual Task InitializeAsync()
    {
        Store = NewStore();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    protected ISessionStore NewStore()
    {
        var store = CreateStore(Clock);
        _stores.Add(store);
        return store;
    }

    protected static string NewSessionId() => "session-" + Guid.NewGuid().ToString("N");

    [StoreFact]
    public async Task Acquire_creates_an_empty_session_under_a_new_lease()
    {
        var id = NewSessionId();
        Assert.Null(await Store.ReadAsync(id));

        var session = await Store.AcquireAsync(id, "worker-a", Lease);

        Assert.True(session.IsNew);
        Assert.Equal(id, session.SessionId);
        Assert.Equal(0, session.Cursor);
        Assert.Empty(session.RecentEvents);
        Assert.Empty(session.Outbox);
        Assert.Empty(session.OpenChunks);
        Assert.Null(session.Capabilities);
        Assert.False(session.AgentJoined);
        Assert.Null(session.EndReason);
        Assert.Equal("worker-a", session.Owner);
        Assert.Equal(Clock.GetUtcNow() + Lease, session.LeaseExpiresAt);
        Assert.Equal(Clock.GetUtcNow(), session.CreatedAt);
        Assert.NotNull(session.Lease);
        var lease = session.Lease.Value;
        Assert.Equal(new SessionLease(id, "worker-a", lease.Token, Lease), lease);
        Assert.True(lease.Token > 0);

        var read = await Store.ReadAsync(id);
        Assert.NotNull(read);
        Assert.Null(read.Lease);
        Assert.False(read.IsNew);
        Assert.Equal("worker-a", read.Owner);
    }

    [StoreFact]
    public async Task Another_owner_is_refused_while_the_lease_runs_and_told_who_holds_it_until_when()
    {
        var id = NewSessionId();
        await Store.AcquireAsync(id, "worker-a", Lease);
        var expires = Clock.GetUtcNow() + Lease;
        Clock.Advance(Lease - TimeSpan.FromMilliseconds(1));

        var refused = await Assert.ThrowsAsync<SessionLeaseException>(() => Store.AcquireAsync(id, "worker-b", Lease).AsTask());

        Assert.Equal(SessionLeaseFailure.Owned, refused.Failure);
        Assert.Equal(id, refused.SessionId);
        Assert.Equal("worker-a", refused.Owner);
        Assert.Equal(expires, refused.ExpiresAt);
        Assert.Contains("worker-a", refused.Message, StringComparison.Ordinal);
        var read = await Store.ReadAsync(id);
        Assert.NotNull(read);
        Assert.Equal("worker-a", read.Owner);
        Assert.Equal(expires, read.LeaseExpiresAt);
    }

    [StoreFact]
    public async Task A_write_extends_the_lease_it_is_made_under()
    {
        var id = NewSessionId();
        var lease = (await Store.AcquireAsync(id, "worker-a", Lease)).Lease!.Value;
        Clock.Advance(TimeSpan.FromSeconds(20));
        await Store.CommitAsync(lease, new SessionCommit { Cursor = 1 });
        Clock.Advance(TimeSpan.FromSeconds(20));

        var refused = await Assert.ThrowsAsync<SessionLeaseException>(() => Store.AcquireAsync(id, "worker-b", Lease).AsTask());
        Assert.Equal(SessionLeaseFailure.Owned, refused.Failure);

        await Store.RenewAsync(lease);
        Assert.Equal(Clock.GetUtcNow() + Lease, (await Store.ReadAsync(id))!.LeaseExpiresAt);
    }

    [StoreFact]
    public async Task After_the_lease_expires_another_owner_takes_over_with_a_higher_token_and_the_state()
    {
        var id = NewSessionId();
        var first = (await Store.AcquireAsync(id, "worker-a", Lease)).Lease!.Value;
        await Store.CommitAsync(first, new SessionCommit { Cursor = 7, Handled = [new("e7", 7)] });
        Clock.Advance(Lease);

        var taken = await Store.AcquireAsync(id, "worker-b", Lease);

        Assert.False(taken.IsNew);
        Assert.Equal("worker-b", taken.Owner);
        Assert.True(taken.Lease!.Value.Token > first.Token);
        Assert.Equal(7, taken.Cursor);
        Assert.Equal([new HandledEvent("e7", 7)], taken.RecentEvents);
    }

    [StoreFact]
    public async Task Every_write_under_a_lease_taken_over_is_refused_as_lost_and_changes_nothing()
    {
        var id = NewSessionId();
        var old = (await Store.AcquireAsync(id, "worker-a", Lease)).Lease!.Value;
        await Store.AddToOutboxAsync(old, Entry("m1"));
        await Store.CommitAsync(old, new SessionCommit { Cursor = 3, Handled = [new("e3", 3)], OpenChunks = [new("r1", "{\"c\":1}")] });
        Clock.Advance(Lease);
        var successor = (await Store.AcquireAsync(id, "worker-b", Lease)).Lease!.Value;
        Clock.Advance(TimeSpan.FromSeconds(1));
        var before = (await Store.ReadAsync(id))!;

        var writes = new (string Name, Func<Task> Write)[]
        {
            ("commit", () => Store.CommitAsync(old, new SessionCommit
            {
                Cursor = 99, Handled = [new("e99", 99)], Settled = [new("m1", DeliveryStatus.Sent)], CompletedStreams = ["r1"], OpenChunks = [new("r2", "{}")],
                Capabilities = new Capabilities { Streaming = true }, AgentJoined = true, EndReason = "late",
            }).AsTask()),
            ("outbox add", () => Store.AddToOutboxAsync(old, Entry("m2")).AsTask()),
            ("outbox add over an entry", () => Store.AddToOutboxAsync(old, Entry("m1") with { Frame = "{\"late\":true}", Attempts = 5 }).AsTask()),
            ("attempt", () => Store.RecordAttemptAsync(old, "m1", 4).AsTask()),
            ("renew", () => Store.RenewAsync(old).AsTask()),
        };
        foreach (var (name, write) in writes)
        {
            var lost = await Assert.ThrowsAsync<SessionLeaseException>(write);
            Assert.True(lost.Failure == SessionLeaseFailure.Lost, $"{name}: {lost.Failure}");
            Assert.Equal("worker-b", lost.Owner);
            Assert.Equal(id, lost.SessionId);
            AssertSameState(before, (await Store.ReadAsync(id))!);
        }

        // Releasing a lost lease is ignored: the successor keeps the session.
        await Store.ReleaseAsync(old);
        AssertSameState(before, (await Store.ReadAsync(id))!);
        await Store.CommitAsync(successor, new SessionCommit { Cursor = 4 });
        Assert.Equal(4, (await Store.ReadAsync(id))!.Cursor);
    }

    [StoreFact]
    public async Task The_same_owner_reacquires_at_once_and_its_previous_lease_is_fenced_off()
    {
        var id = NewSessionId();
        var first = (await Store.AcquireAsync(id, "worker-a", Lease)).Lease!.Value;
        await Store.CommitAsync(first, new SessionCommit { Cursor = 5 });

        var again = await Store.AcquireAsync(id, "worker-a", Lease);

        Assert.False(again.IsNew);
        Assert.Equal(5, again.Cursor);
        Assert.True(again.Lease!.Value.Token > first.Token);
        var lost = await Assert.ThrowsAsync<SessionLeaseException>(() => Store.CommitAsync(first, new SessionCommit { Cursor = 6 }).AsTask());
        Assert.Equal(SessionLeaseFailure.Lost, lost.Failure);
        Assert.Equal(5, (await Store.ReadAsync(id))!.Cursor);
    }

    [StoreFact]
    public async Task Release_lets_another_owner_in_at_once()
    {
        var id = NewSessionId();
        var first = (await Store.AcquireAsync(id, "worker-a", Lease)).Lease!.Value;
        await Store.CommitAsync(first, new SessionCommit { Cursor = 2 });

        await Store.ReleaseAsync(first);

        var released = (await Store.ReadAsync(id))!;
        Assert.Null(released.Owner);
        Assert.Null(released.LeaseExpiresAt);
        Assert.Equal(2, released.Cursor);

        // Released is given up: a late write under it is refused, and leaves the session unowned.
        var late = await Assert.ThrowsAsync<SessionLeaseException>(() => Store.CommitAsync(first, new SessionCommit { Cursor = 7 }).AsTask());
        Assert.Equal(SessionLeaseFailure.Lost, late.Failure);
        Assert.Null((await Store.ReadAsync(id))!.LeaseExpiresAt);
        var taken = await Store.AcquireAsync(id, "worker-b", Lease);
        Assert.Equal("worker-b", taken.Owner);
        Assert.True(taken.Lease!.Value.Token > first.Token);
        Assert.Equal(2, taken.Cursor);
    }

    [StoreFact]
    public async Task The_outbox_keeps_the_order_of_acceptance_counts_attempts_without_going_down_and_remembers_settled_ids()
    {
        var id = NewSessionId();
        var lease = (await Store.AcquireAsync(id, "worker-a", Lease)).Lease!.Value;
        var second = Entry("m2") with { AcceptedAt = Clock.GetUtcNow().AddMinutes(-1) };
        var first = Entry("m1");
        await Store.AddToOutboxAsync(lease, first);
        await Store.AddToOutboxAsync(lease, second);

        // The order of acceptance, whatever the timestamps say.
        Assert.Equal([first, second], (await Store.ReadAsync(id))!.Outbox);

        await Store.RecordAttemptAsync(lease, "m1", 3);
        await Store.RecordAttemptAsync(lease, "m1", 2);
        await Store.RecordAttemptAsync(lease, "unknown", 1);
        Assert.Equal([first with { Attempts = 3 }, second], (await Store.ReadAsync(id))!.Outbox);
        Assert.Equal(2, Summary(await Store.ListAsync(), id).OutboxSize);

        await Store.CommitAsync(lease, new SessionCommit { Settled = [new("m1", DeliveryStatus.Sent), new("never-added", DeliveryStatus.Failed)] });

        Assert.Equal([second], (await Store.ReadAsync(id))!.Outbox);
        Assert.Equal(1, Summary(await Store.ListAsync(), id).OutboxSize);
        var resumed = await Store.AcquireAsync(id, "worker-a", Lease);
        Assert.Equal([second], resumed.Outbox);

        // A settled id stays known (so a repeated send is not a second message); one the outbox never held does not.
        Assert.Equal([new SettledMessage("m1", DeliveryStatus.Sent)], resumed.RecentlySettled);

        // An attempt recorded for a settled entry changes nothing, and re-adding its id (a re-send) makes it pending again.
        await Store.RecordAttemptAsync(resumed.Lease!.Value, "m1", 4);
        Assert.Equal([second], (await Store.ReadAsync(id))!.Outbox);
        await Store.AddToOutboxAsync(resumed.Lease!.Value, first with { Attempts = 0 });
        var again = (await Store.ReadAsync(id))!;
        Assert.Equal([second, first with { Attempts = 0 }], again.Outbox);
        Assert.Empty(again.RecentlySettled);
    }

    [StoreFact]
    public async Task The_cursor_never_goes_down()
    {
        var id = NewSessionId();
        var lease = (await Store.AcquireAsync(id, "worker-a", Lease)).Lease!.Value;

        await Store.CommitAsync(lease, new SessionCommit { Cursor = 10 });
        Assert.Equal(10, (await Store.ReadAsync(id))!.Cursor);
        await Store.CommitAsync(lease, new SessionCommit { Cursor = 5, Handled = [new("e5", 5)] });
        Assert.Equal(10, (await Store.ReadAsync(id))!.Cursor);
        await Store.CommitAsync(lease, new SessionCommit { Cursor = 12 });
        Assert.Equal(12, (await Store.ReadAsync(id))!.Cursor);
        Assert.Equal(12, Summary(await Store.ListAsync(), id).Cursor);
    }

    [StoreFact]
    public async Task The_recent_window_keeps_the_most_recent_handled_events_in_order()
    {
        var id = NewSessionId();
        var lease = (await Store.AcquireAsync(id, "worker-a", Lease)).Lease!.Value;

        await Store.CommitAsync(lease, new SessionCommit
        {
            Cursor = 4, RecentWindow = 3, Handled = [new("e1", 1), new("e2", 2), new("typing", null), new("e3", 3), new("e4", 4)],
        });
        Assert.Equal([new("typing", null), new("e3", 3), new("e4", 4)], (await Store.ReadAsync(id))!.RecentEvents);

        await Store.CommitAsync(lease, new SessionCommit { Cursor = 6, RecentWindow = 3, Handled = [new("e5", 5), new("e6", 6)] });
        Assert.Equal([new("e4", 4), new("e5", 5), new("e6", 6)], (await Store.ReadAsync(id))!.RecentEvents);

        // A commit with nothing handled leaves the window as it is, whatever its size.
        await Store.CommitAsync(lease, new SessionCommit { Cursor = 6, RecentWindow = 1 });
        Assert.Equal(3, (await Store.ReadAsync(id))!.RecentEvents.Count);
    }

    [StoreFact]
    public async Task Open_chunks_are_added_in_order_and_removed_when_their_reply_completes()
    {
        var id = NewSessionId();
        var lease = (await Store.AcquireAsync(id, "worker-a", Lease)).Lease!.Value;
        StreamChunk a1 = new("r1", "{\"delta\":\"Hel\"}"), a2 = new("r1", "{\"delta\":\"lo\"}"), b1 = new("r2", "{\"delta\":\"Hi\"}");

        await Store.CommitAsync(lease, new SessionCommit { OpenChunks = [a1, b1] });
        await Store.CommitAsync(lease, new SessionCommit { OpenChunks = [a2] });
        Assert.Equal([a1, b1, a2], (await Store.ReadAsync(id))!.OpenChunks);

        await Store.CommitAsync(lease, new SessionCommit { CompletedStreams = ["r1"] });
        Assert.Equal([b1], (await Store.ReadAsync(id))!.OpenChunks);

        // Completed and reopened in one commit: the completed chunks go before the new ones are added.
        StreamChunk b2 = new("r2", "{\"delta\":\" again\"}");
        await Store.CommitAsync(lease, new SessionCommit { CompletedStreams = ["r2"], OpenChunks = [b2] });
        Assert.Equal([b2], (await Store.ReadAsync(id))!.OpenChunks);
    }

    [StoreFact]
    public async Task Capabilities_agent_joined_and_end_reason_round_trip_and_are_kept_when_a_commit_leaves_them_out()
    {
        var id = NewSessionId();
        var lease = (await Store.AcquireAsync(id, "worker-a", Lease)).Lease!.Value;
        var capabilities = new Capabilities { HeartbeatIntervalSeconds = 15, MaxMessageSizeBytes = 65536, MaxReconnectAttempts = 5, Streaming = true };

        await Store.CommitAsync(lease, new SessionCommit { Capabilities = capabilities, AgentJoined = true });
        await Store.CommitAsync(lease, new SessionCommit { Cursor = 1 });
        var read = (await Store.ReadAsync(id))!;
        Assert.Equal(capabilities, read.Capabilities);
        Assert.True(read.AgentJoined);
        Assert.Null(read.EndReason);

        await Store.CommitAsync(lease, new SessionCommit { EndReason = "agent_closed" });
        await Store.CommitAsync(lease, new SessionCommit { Cursor = 2 });
        read = (await Store.ReadAsync(id))!;
        Assert.Equal("agent_closed", read.EndReason);
        Assert.Equal(capabilities, read.Capabilities);
        Assert.Equal("agent_closed", Summary(await Store.ListAsync(), id).EndReason);

        var replaced = new Capabilities { Streaming = false };
        await Store.CommitAsync(lease, new SessionCommit { Capabilities = replaced });
        Assert.Equal(replaced, (await Store.ReadAsync(id))!.Capabilities);
    }

    [StoreFact]
    public async Task List_shows_each_session_newest_first_and_Delete_removes_everything_stored_for_one()
    {
        var older = NewSessionId();
        var newer = NewSessionId();
        var olderLease = (await Store.AcquireAsync(older, "worker-a", Lease)).Lease!.Value;
        await Store.AddToOutboxAsync(olderLease, Entry("m1"));
        await Store.CommitAsync(olderLease, new SessionCommit { Cursor = 3, Handled = [new("e3", 3)], OpenChunks = [new("r", "{}")] });
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.AcquireAsync(newer, "worker-b", Lease);

        var listed = (await Store.ListAsync()).Where(summary => summary.SessionId == older || summary.SessionId == newer).ToList();

        Assert.Equal([newer, older], listed.Select(summary => summary.SessionId));
        Assert.Equal(new StoredSessionSummary(older, 3, "worker-a", Clock.GetUtcNow() - TimeSpan.FromSeconds(1) + Lease, 1, null, Clock.GetUtcNow() - TimeSpan.FromSeconds(1)), listed[1]);
        Assert.Equal(new StoredSessionSummary(newer, 0, "worker-b", Clock.GetUtcNow() + Lease, 0, null, Clock.GetUtcNow()), listed[0]);

        Assert.True(await Store.DeleteAsync(older));

        Assert.Null(await Store.ReadAsync(older));
        Assert.DoesNotContain(await Store.ListAsync(), summary => summary.SessionId == older);
        Assert.NotNull(await Store.ReadAsync(newer));
        Assert.False(await Store.DeleteAsync(older));
        var recreated = await Store.AcquireAsync(older, "worker-c", Lease);
        Assert.True(recreated.IsNew);
        Assert.Empty(recreated.Outbox);
        Assert.Empty(recreated.RecentEvents);
        Assert.Empty(recreated.OpenChunks);
        Assert.Equal(0, recreated.Cursor);
    }

    [StoreFact]
    public async Task A_commit_that_fails_partway_stores_none_of_it()
    {
        var id = NewSessionId();
        var lease = (await Store.AcquireAsync(id, "worker-a", Lease)).Lease!.Value;
        await Store.AddToOutboxAsync(lease, Entry("m1"));
        await Store.CommitAsync(lease, new SessionCommit { Cursor = 1, Handled = [new("e1", 1)], OpenChunks = [new("r1", "{}")] });
        Clock.Advance(TimeSpan.FromSeconds(1));
        var before = (await Store.ReadAsync(id))!;

        // The last handled event has no id, which the table refuses (NOT NULL): by then the cursor, capabilities, end
        // reason, the settled entry, the completed reply, the new chunk and the first handled event were all written.
        var failing = new SessionCommit
        {
            Cursor = 9,
            Capabilities = new Capabilities { Streaming = true },
            AgentJoined = true,
            EndReason = "done",
            Settled = [new("m1", DeliveryStatus.Sent)],
            CompletedStreams = ["r1"],
            OpenChunks = [new("r2", "{}")],
            Handled = [new("e9", 9), new(null!, 10)],
        };
        await Assert.ThrowsAnyAsync<DbException>(() => Store.CommitAsync(lease, failing).AsTask());

        AssertSameState(before, (await Store.ReadAsync(id))!);

        // The store is still usable, and the same changes without the bad event are stored whole.
        await Store.CommitAsync(lease, new SessionCommit { Cursor = 9, Settled = [new("m1", DeliveryStatus.Sent)], Handled = [new("e9", 9)] });
        var after = (await Store.ReadAsync(id))!;
        Assert.Equal(9, after.Cursor);
        Assert.Empty(after.Outbox);
    }

    [StoreFact]
    public async Task Owners_racing_for_an_expired_lease_from_separate_stores_exactly_one_wins()
    {
        const int racers = 8;
        var id = NewSessionId();
        var first = (await Store.AcquireAsync(id, "worker-0", Lease)).Lease!.Value;
        Clock.Advance(Lease);
        var stores = Enumerable.Range(0, racers).Select(_ => NewStore()).ToList();

        var outcomes = await Race(stores, id);

        var winners = outcomes.Where(outcome => outcome.Session is not null).ToList();
        var winner = Assert.Single(winners);
        var owner = winner.Owner;
        Assert.True(winner.Session!.Lease!.Value.Token > first.Token);
        Assert.All(outcomes.Where(outcome => outcome.Session is null), outcome =>
        {
            Assert.Equal(SessionLeaseFailure.Owned, outcome.Refusal!.Failure);
            Assert.Equal(owner, outcome.Refusal.Owner);
        });
        Assert.Equal(owner, (await Store.ReadAsync(id))!.Owner);
    }

    [StoreFact]
    public async Task Owners_racing_for_a_session_nobody_created_yet_exactly_one_creates_and_wins_it()
    {
        const int racers = 8;
        var id = NewSessionId();
        var stores = Enumerable.Range(0, racers).Select(_ => NewStore()).ToList();

        var outcomes = await Race(stores, id);

        var winner = Assert.Single(outcomes, outcome => outcome.Session is not null);
        Assert.True(winner.Session!.IsNew);
        Assert.All(outcomes.Where(outcome => outcome.Session is null), outcome => Assert.Equal(winner.Owner, outcome.Refusal!.Owner));
    }

    [StoreFact]
    public async Task A_late_write_racing_a_takeover_is_ordered_with_it_so_exactly_one_of_them_succeeds()
    {
        // After expiry both may go first. A write that goes first is stored and renews the lease (every write does), so
        // the takeover is refused; a takeover that goes first fences the write off. Never both, never neither.
        for (var round = 0; round < 10; round++)
        {
            var id = NewSessionId();
            var old = (await Store.AcquireAsync(id, "worker-a", Lease)).Lease!.Value;
            Clock.Advance(Lease);
            var writer = NewStore();
            var taker = NewStore();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            var write = Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    await writer.CommitAsync(old, new SessionCommit { Cursor = 50, Handled = [new("late", 50)] });
                    return true;
                }
                catch (SessionLeaseException refused) when (refused.Failure == SessionLeaseFailure.Lost)
                {
                    Assert.Equal("worker-b", refused.Owner);
                    return false;
                }
            });
            var take = Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    return await taker.AcquireAsync(id, "worker-b", Lease);
                }
                catch (SessionLeaseException refused) when (refused.Failure == SessionLeaseFailure.Owned)
                {
                    Assert.Equal("worker-a", refused.Owner);
                    return null;
                }
            });
            start.SetResult();
            var stored = await write;
            var taken = await take;

            Assert.True(stored != (taken is not null), $"round {round}: write stored {stored}, takeover {(taken is null ? "refused" : "granted")}");
            var state = (await Store.ReadAsync(id))!;
            Assert.Equal(stored ? 50 : 0, state.Cursor);
            Assert.Equal(stored ? "worker-a" : "worker-b", state.Owner);
            Assert.Equal(stored ? [new HandledEvent("late", 50)] : [], state.RecentEvents);
        }
    }

    protected static OutboxEntry Entry(string clientEventId) =>
        new(clientEventId, $"{{\"type\":\"MESSAGE\",\"client_event_id\":\"{clientEventId}\"}}", new DateTimeOffset(2025, 6, 1, 11, 59, 0, 123, TimeSpan.Zero), 0);

    private static StoredSessionSummary Summary(IReadOnlyList<StoredSessionSummary> list, string id) => Assert.Single(list, summary => summary.SessionId == id);

    private static async Task<List<(string Owner, StoredSession? Session, SessionLeaseException? Refusal)>> Race(IReadOnlyList<ISessionStore> stores, string id)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = stores.Select((store, index) => Task.Run(async () =>
        {
            var owner = $"racer-{index}";
            await start.Task;
            try
            {
                return (owner, (StoredSession?)await store.AcquireAsync(id, owner, Lease), (SessionLeaseException?)null);
            }
            catch (SessionLeaseException refused)
            {
                return (owner, null, refused);
            }
        })).ToList();
        start.SetResult();
        return [.. await Task.WhenAll(racers)];
    }

    private static void AssertSameState(StoredSession expected, StoredSession actual)
    {
        Assert.Equal(expected.Cursor, actual.Cursor);
        Assert.Equal(expected.RecentEvents, actual.RecentEvents);
        Assert.Equal(expected.OpenChunks, actual.OpenChunks);
        Assert.Equal(expected.Outbox, actual.Outbox);
        Assert.Equal(expected.Capabilities, actual.Capabilities);
        Assert.Equal(expected.AgentJoined, actual.AgentJoined);
        Assert.Equal(expected.EndReason, actual.EndReason);
        Assert.Equal(expected.Owner, actual.Owner);
        Assert.Equal(expected.LeaseExpiresAt, actual.LeaseExpiresAt);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
    }
}
