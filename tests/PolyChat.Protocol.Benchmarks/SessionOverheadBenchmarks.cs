using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Data.Sqlite;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Storage;
using PolyChat.Storage.PostgreSql;
using PolyChat.Storage.Sqlite;
using PolyChat.Testing;

namespace PolyChat.Protocol.Benchmarks;

/// <summary>
/// What a durable session costs per event and per message, against the same session in memory: a
/// <see cref="PolyChatSession"/> on an in-memory simulator (<see cref="PolyAiSimulator.CreateInMemory"/>, no sockets),
/// read by one loop as an application would, without a store, on a SQLite file, and on the PostgreSQL server that
/// <c>POLYCHAT_POSTGRES</c> names (skipped when it is unset). <see cref="HandleEvents"/>: the server publishes
/// <see cref="Events"/> events and the reader handles them (a stored session commits each as handled).
/// <see cref="SendMessages"/>: <see cref="Messages"/> messages are sent and settle by their echoes (a stored session
/// stores each before it goes out, counts its attempt and commits its settling), and the reader handles what each
/// brings back: the echo, the agent's reply.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class SessionOverheadBenchmarks
{
    public const int Events = 32;
    public const int Messages = 8;

    private PolyAiSimulator _simulator = null!;
    private PolyChatSession _session = null!;
    private SimulatorSession _server = null!;
    private ISessionStore? _store;
    private string? _directory;
    private CancellationTokenSource _stop = null!;
    private Task _reader = null!;
    private long _handled;
    private long _target = long.MaxValue;
    private string? _awaitedReply;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _round;

    [ParamsSource(nameof(Stores))]
    public string Store { get; set; } = "memory";

    public static string[] Stores() =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("POLYCHAT_POSTGRES")) ? ["memory", "sqlite"] : ["memory", "sqlite", "postgres"];

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    /// <summary>The server publishes <see cref="Events"/> live-agent messages; done when the reader has handled them all.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public async Task HandleEvents()
    {
        var reached = Expect(Interlocked.Read(ref _handled) + Events, reply: null);
        var round = (++_round).ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < Events; i++)
        {
            _server.Publish(new LiveAgentMessageEvent(new LiveAgentMessagePayload { MessageId = $"m-{round}-{i}", AgentId = "a", Text = "published" }));
        }

        await reached.ConfigureAwait(false);
    }

    /// <summary>Sends <see cref="Messages"/> messages; done when each has settled and the reader has handled the agent's reply to the last.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task SendMessages()
    {
        var round = (++_round).ToString(CultureInfo.InvariantCulture);
        var last = $"message {round}-{Messages - 1}";
        var reached = Expect(long.MaxValue, reply: _simulator.Options.ScriptedAgent.ReplyPrefix + last);
        var sent = new Task<Delivery.DeliveryStatus>[Messages];
        for (var i = 0; i < Messages; i++)
        {
            var message = await _session.SendMessageAsync($"message {round}-{i}").ConfigureAwait(false);
            sent[i] = message.Completion;
        }

        foreach (var status in await Task.WhenAll(sent).ConfigureAwait(false))
        {
            if (status != Delivery.DeliveryStatus.Sent)
            {
                throw new InvalidOperationException($"A message settled as {status}.");
            }
        }

        await reached.ConfigureAwait(false);
    }

    private Task Expect(long handled, string? reply)
    {
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _awaitedReply, reply);
        Interlocked.Exchange(ref _target, handled);
        if (Interlocked.Read(ref _handled) >= handled)
        {
            _reached.TrySetResult();
        }

        return _reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private async Task SetupAsync()
    {
        _simulator = PolyAiSimulator.CreateInMemory(new SimulatorOptions());
        var created = await _simulator.CreateSessionAsync().ConfigureAwait(false);
        (_store, _directory) = OpenStore(Store);
        var options = new SessionOptions
        {
            WebSocketAddress = created.WebSocketAddress,
            SessionId = created.SessionId,
            AccessToken = created.AccessToken,
            WebSocketFactory = created.WebSocketFactory,
            Storage = _store is null ? null : new StorageOptions { Store = _store, Owner = "bench" },
        };
        _stop = new CancellationTokenSource();
        _session = await PolyChatSession.ConnectAsync(options, _stop.Token).ConfigureAwait(false);
        _server = _simulator.GetSession(created.SessionId);

        // Up to the greeting: the agent has joined, and what the connection brought is handled.
        var greeting = Expect(long.MaxValue, _simulator.Options.ScriptedAgent.Greeting);
        _reader = Task.Run(ReadAsync);
        await greeting.ConfigureAwait(false);
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var e in _session.ReadEventsAsync(_stop.Token).ConfigureAwait(false))
            {
                var handled = Interlocked.Increment(ref _handled);
                var reply = Volatile.Read(ref _awaitedReply);
                if (handled >= Interlocked.Read(ref _target)
                    || (reply is not null && e is PolyAgentMessageEvent { Payload.Text: { } text } && text == reply))
                {
                    _reached.TrySetResult();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            _reached.TrySetException(exception);
        }
    }

    private async Task CleanupAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
        await _session.DisposeAsync().ConfigureAwait(false);
        await _simulator.DisposeAsync().ConfigureAwait(false);
        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }

        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }

        _stop.Dispose();
    }

    private static (ISessionStore? Store, string? Directory) OpenStore(string kind)
    {
        switch (kind)
        {
            case "memory":
                return (null, null);
            case "sqlite":
                var directory = Path.Combine(Path.GetTempPath(), "polychat-bench-" + Guid.NewGuid().ToString("N")[..8]);
                Directory.CreateDirectory(directory);
                return (new SqliteSessionStore($"Data Source={Path.Combine(directory, "sessions.db")}"), directory);
            default:
                return (new PostgreSqlSessionStore(Environment.GetEnvironmentVariable("POLYCHAT_POSTGRES")!), null);
        }
    }

    /// <summary>
    /// A short job, in process (no generated project to build, which a loaded machine can take minutes over): 3 warm-ups
    /// and 10 measured iterations, so the whole class runs in a few minutes.
    /// </summary>
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance).WithId("short-10-inprocess"));
    }
}
