using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using Orleans.TestingHost;
using PolyChat.Storage.PostgreSql;
using PolyChat.Storage.Tests.PostgreSql;
using PolyChat.Testing;
using Xunit;
using Xunit.Abstractions;

namespace PolyChat.Orleans.Tests;

/// <summary>One test's world: the simulator, a schema of its own in the PostgreSQL server, three silos, and the app's chats.</summary>
internal sealed class ClusterRun : IAsyncDisposable
{
    private readonly PostgreSqlSessionStore _store;
    private readonly int _seed;

    private ClusterRun(PolyAiSimulator simulator, PostgreSqlSessionStore store, TestCluster cluster, ChatInbox inbox, IChatObserver observer, int seed)
    {
        Simulator = simulator;
        _store = store;
        Cluster = cluster;
        Inbox = inbox;
        Observer = observer;
        _seed = seed;
    }

    public PolyAiSimulator Simulator { get; }

    public PostgreSqlSessionStore Store => _store;

    public TestCluster Cluster { get; }

    public ChatInbox Inbox { get; }

    public IChatObserver Observer { get; }

    public static async Task<ClusterRun> StartAsync(PostgresServer server, int chats, int seed, bool defaults = false)
    {
        var simulator = await PolyAiSimulator.StartAsync(new SimulatorOptions { StreamingChunkSize = 6, MaxConnectionsPerSession = 10 });
        // A schema of its own: the run's sessions and nothing else.
        var schema = "orleans_" + Guid.NewGuid().ToString("N")[..12];
        await using (var dataSource = NpgsqlDataSource.Create(server.ConnectionString))
        await using (var create = dataSource.CreateCommand($"CREATE SCHEMA {schema}"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var store = new PostgreSqlSessionStore(server.WithSearchPath(schema));
        ChatWorld.Current = new ChatWorld(store, simulator.WebSocketAddress, defaults);
        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<ChatSiloConfigurator>();
        builder.AddClientBuilderConfigurator<ChatClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();

        var inbox = new ChatInbox();
        var observer = cluster.Client.CreateObjectReference<IChatObserver>(inbox);
        for (var i = 0; i < chats; i++)
        {
            var session = await simulator.CreateSessionAsync(streaming: true);
            ChatWorld.Current.Tokens[session.SessionId] = session.AccessToken;
            inbox.Chats[session.SessionId] = new ChatRecord(session.SessionId, cluster.Client.GetGrain<IChatGrain>(session.SessionId));
        }

        return new ClusterRun(simulator, store, cluster, inbox, observer, seed);
    }

    /// <summary>Every chat's conversation, each at its own seeded pace.</summary>
    public Task Converse(int messages) =>
        Task.WhenAll(Inbox.Chats.Values.OrderBy(c => c.ChatId, StringComparer.Ordinal).Select((chat, i) =>
            Task.Run(() => ChatConversation.RunAsync(chat, Observer, messages, new Random(_seed * 1000 + i), CancellationToken.None))));

    /// <summary>Which silo holds each chat's lease now (the owner names the silo, then the activation).</summary>
    public async Task<Dictionary<string, string>> OwnersAsync() =>
        (await _store.ListAsync()).Where(s => s.Owner is not null).ToDictionary(s => s.SessionId, s => s.Owner!.Split('/')[0], StringComparer.Ordinal);

    /// <summary>Waits for every conversation; past <paramref name="limit"/>, prints where each unfinished chat stands and fails.</summary>
    public async Task FinishAsync(Task conversations, TimeSpan limit, ITestOutputHelper output)
    {
        try
        {
            await conversations.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            var owners = await OwnersAsync();
            var unfinished = Inbox.Chats.Values.Where(c => !c.HasDelivered("EVENT_TYPE_SESSION_END") && !c.EndedUnderfoot).ToList();
            foreach (var chat in unfinished.Take(5))
            {
                output.WriteLine($"unfinished chat {chat.ChatId} on {owners.GetValueOrDefault(chat.ChatId)}, {chat.Failovers.Count} failovers, " +
                    $"receipts {string.Join(' ', chat.Receipts.Keys)}");
                foreach (var (chatEvent, at) in chat.Deliveries.TakeLast(6))
                {
                    output.WriteLine($"  delivered {at:HH:mm:ss.fff} {chatEvent.Sequence} {chatEvent.Type} {chatEvent.Id}");
                }

                foreach (var journaled in Simulator.GetSession(chat.ChatId).Journal.TakeLast(6))
                {
                    output.WriteLine($"  journal {journaled.Sequence} {journaled.Type.Value} {journaled.Id}");
                }
            }

            Assert.Fail($"{unfinished.Count} chats did not finish their conversation within {limit}.");
        }
    }

    /// <summary>Waits until no live chat of <paramref name="chats"/> is still held by <paramref name="silo"/> in the store.</summary>
    public async Task WaitUntilMovedAsync(IReadOnlyList<ChatRecord> chats, string silo, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            var owners = await OwnersAsync();
            if (chats.All(c => c.HasDelivered("EVENT_TYPE_SESSION_END") || c.EndedUnderfoot || owners.GetValueOrDefault(c.ChatId) != silo))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"The chats of {silo} did not move within {limit}.");
    }

    /// <summary>When silos were killed or stopped.</summary>
    public List<DateTimeOffset> Disruptions { get; } = [];

    /// <summary>Checks every chat; returns how many deliveries were repeats.</summary>
    public int AssertVerdicts(ITestOutputHelper output)
    {
        var problems = new List<string>();
        foreach (var chat in Inbox.Chats.Values)
        {
            var found = ClusterVerdict.Check(chat, Simulator.GetSession(chat.ChatId), Disruptions);
            problems.AddRange(found.Select(p => $"chat {chat.ChatId} ({chat.Failovers.Count} failovers): {p}"));
            if (found.Count > 0)
            {
                // What the app saw and what the server did, for the first chats that failed.
                output.WriteLine($"chat {chat.ChatId}: kills at {string.Join(", ", Disruptions.Select(d => d.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))}");
                foreach (var (chatEvent, at) in chat.Deliveries)
                {
                    output.WriteLine($"  delivered {at:HH:mm:ss.fff} {chatEvent.Sequence} {chatEvent.Type} {chatEvent.Id}");
                }

                foreach (var frame in Simulator.GetSession(chat.ChatId).ReceivedFrames)
                {
                    output.WriteLine($"  frame {frame.Connection} {frame.Type} {frame.ClientEventId} {frame.ReceivedAt:HH:mm:ss.fff}");
                }
            }
        }

        var deliveries = Inbox.Chats.Values.Sum(c => c.Deliveries.Count);
        var distinct = Inbox.Chats.Values.Sum(c => c.Deliveries.Select(d => d.Event.Id).Distinct().Count());
        output.WriteLine($"{Inbox.Chats.Count} chats, {distinct} events delivered, {deliveries - distinct} redeliveries, " +
            $"{Inbox.Chats.Values.Count(c => c.EndedUnderfoot)} ended underfoot, {Inbox.Chats.Values.Sum(c => c.Receipts.Count)} receipts");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Take(40)));
        return deliveries - distinct;
    }

    public async ValueTask DisposeAsync()
    {
        GC.KeepAlive(Inbox);
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await _store.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
