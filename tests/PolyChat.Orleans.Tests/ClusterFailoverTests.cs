using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using PolyChat.Storage.PostgreSql;
using PolyChat.Storage.Tests.PostgreSql;
using PolyChat.Testing;
using Xunit;
using Xunit.Abstractions;

namespace PolyChat.Orleans.Tests;

/// <summary>
/// Chats on a three-silo TestCluster, their sessions stored in the run's PostgreSQL server, talking to the simulator.
/// Seed: <c>POLYCHAT_ORLEANS_SEED</c> (default 1).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterFailoverTests(PostgresServer server, ITestOutputHelper output)
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(150);

    [PostgresFact]
    public async Task KilledSilosHandTheirChatsToLiveSilosWithNothingLostAndAtMostOneRedeliveryPerFailover()
    {
        const int Kills = 3;
        var seed = Seed();
        await using var run = await ClusterRun.StartAsync(server, chats: 100, seed);
        var random = new Random(seed);
        var failovers = new List<TimeSpan>();
        var conversations = run.Converse(messages: 14);

        for (var kill = 1; kill <= Kills; kill++)
        {
            await Task.Delay(random.Next(500, 1500));
            // The busiest live secondary (the primary holds the development membership table): a silo started after a
            // kill holds only the chats that moved to it.
            var owners = await run.OwnersAsync();
            var victim = run.Cluster.SecondarySilos.Where(s => s.IsActive)
                .MaxBy(s => owners.Count(o => o.Value == s.SiloAddress.ToString() && !run.Inbox.Chats[o.Key].HasDelivered("EVENT_TYPE_SESSION_END")))!;
            if (kill == 1)
            {
                // Spread over the silos: each of the three holds chats.
                Assert.True(owners.Values.Distinct().Count() == 3, $"The chats are on {owners.Values.Distinct().Count()} silos.");
            }

            var hit = owners.Where(o => o.Value == victim.SiloAddress.ToString()).Select(o => run.Inbox.Chats[o.Key]).Where(c => !c.HasDelivered("EVENT_TYPE_SESSION_END")).ToList();
            var killedAt = DateTimeOffset.UtcNow;
            run.Disruptions.Add(killedAt);
            foreach (var chat in hit)
            {
                chat.Failovers.Add(killedAt);
            }

            // Dead to the outside first (sockets, store), as SIGKILL would make it; then the silo itself, without grace.
            ((InProcessSiloHandle)victim).SiloHost.Services.GetRequiredService<SiloFate>().Kill();
            await run.Cluster.KillSiloAsync(victim);

            // The failover is measured from here: until the kill returns, the silo's grains can still reach the app.
            killedAt = DateTimeOffset.UtcNow;
            foreach (var chat in hit)
            {
                chat.Failovers[^1] = killedAt;
            }

            output.WriteLine($"kill {kill} at {killedAt:HH:mm:ss.fff}: {victim.SiloAddress} with {hit.Count} live chats");
            Assert.NotEmpty(hit);
            await run.Cluster.StartAdditionalSiloAsync();

            // The next kill comes once this one's chats have new owners, so that it can meet them again.
            await run.WaitUntilMovedAsync(hit, victim.SiloAddress.ToString(), TimeSpan.FromSeconds(30));
        }

        await run.FinishAsync(conversations, RunLimit, output);
        foreach (var chat in run.Inbox.Chats.Values)
        {
            foreach (var killedAt in chat.Failovers)
            {
                if (chat.Deliveries.FirstOrDefault(d => d.At > killedAt) is { Event: not null } next)
                {
                    failovers.Add(next.At - killedAt);
                }
            }
        }

        failovers.Sort();
        output.WriteLine($"{failovers.Count} failovers, kill to the chat's next delivered event: median {Ms(failovers[failovers.Count / 2])}, " +
            $"90th percentile {Ms(failovers[failovers.Count * 9 / 10])}, worst {Ms(failovers[^1])}");
        run.AssertVerdicts(output);
    }

    [PostgresFact]
    public async Task AGracefulStopMovesChatsWithNoRedeliveryAtAll()
    {
        var seed = Seed();
        await using var run = await ClusterRun.StartAsync(server, chats: 30, seed);
        var conversations = run.Converse(messages: 6);
        await Task.Delay(new Random(seed).Next(1500, 3000));
        var victim = run.Cluster.SecondarySilos[0];
        var owners = await run.OwnersAsync();
        var moved = owners.Where(o => o.Value == victim.SiloAddress.ToString()).Select(o => run.Inbox.Chats[o.Key]).ToList();
        var stoppedAt = DateTimeOffset.UtcNow;
        run.Disruptions.Add(stoppedAt);
        await run.Cluster.StopSiloAsync(victim);
        output.WriteLine($"stopped {victim.SiloAddress} with {moved.Count} chats in {Ms(DateTimeOffset.UtcNow - stoppedAt)}");
        Assert.NotEmpty(moved);
        await run.FinishAsync(conversations, RunLimit, output);
        Assert.Equal(0, run.AssertVerdicts(output));

        // Every chat that was on the stopped silo finished on another.
        var after = await run.OwnersAsync();
        Assert.All(moved, chat => Assert.NotEqual(victim.SiloAddress.ToString(), after.GetValueOrDefault(chat.ChatId)));
    }

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("POLYCHAT_ORLEANS_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : 1;
}
