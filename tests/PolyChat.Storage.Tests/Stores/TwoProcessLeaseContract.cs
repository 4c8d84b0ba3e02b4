using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using PolyChat.Protocol.Storage;
using PolyChat.Storage.Tests.PostgreSql;
using Xunit;

namespace PolyChat.Storage.Tests.Stores;

/// <summary>
/// The lease between real OS processes on one store (the test assembly started again as a <see cref="LeaseProbe"/>):
/// a second process is refused while the first holds the session, takes it over once the first is killed and its
/// lease has run out, and a first process that was paused (SIGSTOP) past its lease and resumed (SIGCONT) is refused
/// when it writes, with nothing stored. Leases here run on the real clock.
/// </summary>
public abstract class TwoProcessLeaseContract
{
    protected abstract string Kind { get; }

    protected abstract string ConnectionString { get; }

    protected abstract ISessionStore OpenStore();

    [StoreFact]
    public async Task A_second_process_is_refused_then_takes_over_after_the_first_is_killed_and_its_lease_runs_out()
    {
        var id = "session-" + Guid.NewGuid().ToString("N");
        var lease = TimeSpan.FromSeconds(3);
        using var a = ProbeProcess.Start(Kind, ConnectionString, id, "owner-a", lease, "hold-auto");
        var tokenA = long.Parse((await a.ExpectAsync("acquired"))[0], CultureInfo.InvariantCulture);
        await a.ExpectAsync("committed");

        // A keeps writing (each write renews its lease): B is refused, and told who holds the session.
        using (var b = ProbeProcess.Start(Kind, ConnectionString, id, "owner-b", lease, "take"))
        {
            var refused = await b.ExpectAsync("owned");
            Assert.Equal("owner-a", refused[0]);
            Assert.Contains("'owner-a'", string.Join(' ', refused), StringComparison.Ordinal);
            Assert.Equal(LeaseProbe.Owned, await b.ExitCodeAsync());
        }

        await a.KillAsync();
        var seen = (await a.RemainingLinesAsync()).Where(line => line.StartsWith("committed ", StringComparison.Ordinal))
            .Select(line => long.Parse(line["committed ".Length..], CultureInfo.InvariantCulture)).DefaultIfEmpty(1).Max();

        // B waits out A's lease (nothing renews it now) and takes the session with everything A committed.
        using var successor = ProbeProcess.Start(Kind, ConnectionString, id, "owner-b", lease, "take-wait");
        var acquired = await successor.ExpectAsync("acquired");
        Assert.True(long.Parse(acquired[0], CultureInfo.InvariantCulture) > tokenA, $"token {acquired[0]} after {tokenA}");
        var cursor = long.Parse(acquired[1], CultureInfo.InvariantCulture);

        // A printed each commit after it returned: killed, it may have stored one more than it printed.
        Assert.InRange(cursor, seen, seen + 1);
        await successor.ExpectAsync("committed");
        Assert.Equal(0, await successor.ExitCodeAsync());

        var state = (await Read(id))!;
        Assert.Equal("owner-b", state.Owner);
        Assert.Equal(LeaseProbe.TakenCursor, state.Cursor);
        Assert.Equal(new HandledEvent($"owner-a-{cursor}", cursor), state.RecentEvents[^2]);
        Assert.Equal(new HandledEvent("owner-b-taken", LeaseProbe.TakenCursor), state.RecentEvents[^1]);
    }

    [StoreFact]
    public async Task A_process_paused_past_its_lease_is_refused_when_it_resumes_and_writes_and_nothing_it_wrote_is_stored()
    {
        var id = "session-" + Guid.NewGuid().ToString("N");
        var lease = TimeSpan.FromSeconds(4);
        using var a = ProbeProcess.Start(Kind, ConnectionString, id, "owner-a", lease, "hold-stdin");
        var tokenA = long.Parse((await a.ExpectAsync("acquired"))[0], CultureInfo.InvariantCulture);
        await a.WriteLineAsync("write");
        Assert.Equal(["1"], await a.ExpectAsync("committed"));

        // A is frozen between two writes: it cannot renew, and it holds no transaction open.
        a.Signal("STOP");
        StoredSession before;
        try
        {
            using (var b = ProbeProcess.Start(Kind, ConnectionString, id, "owner-b", lease, "take"))
            {
                Assert.Equal("owner-a", (await b.ExpectAsync("owned"))[0]);
                Assert.Equal(LeaseProbe.Owned, await b.ExitCodeAsync());
            }

            using (var successor = ProbeProcess.Start(Kind, ConnectionString, id, "owner-b", lease, "take-wait"))
            {
                var acquired = await successor.ExpectAsync("acquired");
                Assert.True(long.Parse(acquired[0], CultureInfo.InvariantCulture) > tokenA);
                Assert.Equal("1", acquired[1]);
                await successor.ExpectAsync("committed");
                Assert.Equal(0, await successor.ExitCodeAsync());
            }

            before = (await Read(id))!;

            // A wakes up and writes under the lease it still believes it holds.
            await a.WriteLineAsync("write");
        }
        finally
        {
            a.Signal("CONT");
        }

        var lost = await a.ExpectAsync("lost");
        Assert.Equal("owner-b", lost[0]);
        Assert.Equal(LeaseProbe.Lost, await a.ExitCodeAsync());
        var after = (await Read(id))!;
        Assert.Equal(LeaseProbe.TakenCursor, after.Cursor);
        Assert.Equal("owner-b", after.Owner);
        Assert.Equal([new HandledEvent("owner-a-1", 1), new HandledEvent("owner-b-taken", LeaseProbe.TakenCursor)], after.RecentEvents);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        Assert.Equal(before.LeaseExpiresAt, after.LeaseExpiresAt);
    }

    private async Task<StoredSession?> Read(string id)
    {
        var store = OpenStore();
        try
        {
            return await store.ReadAsync(id);
        }
        finally
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }
}
