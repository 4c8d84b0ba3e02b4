using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Storage.Tests.PostgreSql;
using Xunit;
using Xunit.Abstractions;

namespace PolyChat.Orleans.Tests;

/// <summary>
/// The measured run of the benchmarks README ("Sessions on a cluster"), not part of CI: <c>POLYCHAT_ORLEANS_MEASURE=N</c>
/// runs N chats on three in-process silos with the package's default timings, sessions in the run's PostgreSQL server,
/// the simulator in this process. Each chat starts, gets its greeting and settles one message with its reply; all then
/// sit idle; then every chat sends 5 more, one after another (each awaits its receipt and its reply), all chats at once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterMeasurement(PostgresServer server, ITestOutputHelper output)
{
    private const int MessagesPerChat = 5;
    private static readonly TimeSpan QuietWindow = TimeSpan.FromSeconds(20);

    [MeasuredFact]
    public async Task ChatsPerSiloAtIdleAndMessagesPerSecondAcrossTheCluster()
    {
        var count = int.Parse(Environment.GetEnvironmentVariable(MeasuredFactAttribute.Variable)!, CultureInfo.InvariantCulture);
        await using var run = await ClusterRun.StartAsync(server, count, seed: 1, defaults: true);
        var inbox = new CountingInbox(id => run.Cluster.Client.GetGrain<IChatGrain>(id));
        var observer = run.Cluster.Client.CreateObjectReference<IChatObserver>(inbox);
        var chatIds = run.Inbox.Chats.Keys.ToArray();

        var baseline = ManagedBytes();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(chatIds, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (id, _) =>
        {
            var chat = run.Cluster.Client.GetGrain<IChatGrain>(id);
            await chat.SubscribeAsync(observer);
            await inbox.Greeted(id);
            await SendAsync(chat, inbox, id, "hello");
        });
        var started = clock.Elapsed;
        var managed = ManagedBytes() - baseline;

        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        await Task.Delay(QuietWindow);
        process.Refresh();
        var idleCpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / QuietWindow.TotalMilliseconds;
        var owners = await run.OwnersAsync();
        var perSilo = owners.Values.GroupBy(o => o).Select(g => g.Count()).Order().ToArray();

        clock.Restart();
        await Task.WhenAll(chatIds.Select(id => Task.Run(async () =>
        {
            var chat = run.Cluster.Client.GetGrain<IChatGrain>(id);
            for (var m = 1; m <= MessagesPerChat; m++)
            {
                await SendAsync(chat, inbox, id, "m" + m.ToString(CultureInfo.InvariantCulture));
            }
        })));
        var busy = clock.Elapsed;

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cluster chats {count} silos 3 store postgres chats-per-silo {string.Join('/', perSilo)} start-seconds {started.TotalSeconds:F1} " +
            $"managed-bytes-per-chat {managed / (double)count:F0} working-set-mb {process.WorkingSet64 / 1e6:F0} " +
            $"idle-cpu-percent-of-a-core {idleCpu * 100:F1} messages-per-second {count * MessagesPerChat / busy.TotalSeconds:F0} " +
            $"({count * MessagesPerChat} messages with their replies in {busy.TotalSeconds:F1} s) events {inbox.Events}"));
        Assert.Equal(count, perSilo.Sum());
        GC.KeepAlive(inbox);
    }

    /// <summary>A message, its receipt (Sent, or the run fails), and the agent's reply.</summary>
    private static async Task SendAsync(IChatGrain chat, CountingInbox inbox, string chatId, string clientEventId)
    {
        var receipt = await chat.SendMessageAsync(clientEventId, "message " + clientEventId);
        Assert.True(receipt.Status == ChatDeliveryStatus.Sent, $"Chat {chatId}: {clientEventId} {receipt.Status} ({receipt.FailureReason}).");
        await inbox.Replies(chatId).WaitAsync(TimeSpan.FromMinutes(2));
    }

    private static long ManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The measured app's observer: keeps nothing but counts, acknowledges each event at once.</summary>
    private sealed class CountingInbox(Func<string, IChatGrain> grain) : IChatObserver
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _greeted = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, SemaphoreSlim> _replies = new(StringComparer.Ordinal);
        private long _events;

        public long Events => Interlocked.Read(ref _events);

        public Task Greeted(string chatId) => _greeted.GetOrAdd(chatId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public SemaphoreSlim Replies(string chatId) => _replies.GetOrAdd(chatId, _ => new SemaphoreSlim(0));

        public Task OnEventAsync(ChatEvent chatEvent)
        {
            Interlocked.Increment(ref _events);
            if (chatEvent.Type == "EVENT_TYPE_POLY_AGENT_MESSAGE")
            {
                var greeted = _greeted.GetOrAdd(chatEvent.ChatId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
                if (!greeted.TrySetResult())
                {
                    Replies(chatEvent.ChatId).Release();
                }
            }

            _ = grain(chatEvent.ChatId).AcknowledgeAsync(chatEvent.Id);
            return Task.CompletedTask;
        }
    }
}

/// <summary>The measured run: skipped unless <see cref="Variable"/> names a number of chats, and PostgreSQL is available.</summary>
public sealed class MeasuredFactAttribute : FactAttribute
{
    public const string Variable = "POLYCHAT_ORLEANS_MEASURE";

    public MeasuredFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"A measurement, not a test: set {Variable} to a number of chats to run it.";
        }
        else if (PostgresServer.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}
