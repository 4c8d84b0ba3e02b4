using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Benchmarks.Density;

/// <summary>
/// <c>--density N [--bare]</c>: N chat sessions in this process against the simulator in another, as a service that
/// bridges many customer chats holds them. Each connects, gets its greeting and settles one message Sent; then the
/// sessions sit idle. Reported: managed bytes and working set per session, idle CPU over a quiet window, connect
/// and settle times, the median and 95th-percentile time from opening a session to its greeting, and what is left
/// after disposing. <c>--bare</c> runs the baseline: N bare
/// <see cref="ClientWebSocket"/>s on the same sessions that join, wait for the greeting and for one message's echo
/// by hand, then each keep a receive pending.
/// </summary>
public static class DensityRun
{
    private static readonly TimeSpan QuietWindow = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(int count, bool bare)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var token = cancellation.Token;
        await using var simulator = await SimulatorProcess.StartAsync(token).ConfigureAwait(false);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var rest = new PolyChatRestClient(http, simulator.BaseAddress);

        // Sessions and tokens first: REST is not what is measured.
        var access = await rest.GetAccessTokenAsync(SimulatorProcess.ConnectorToken, SimulatorProcess.Host, token).ConfigureAwait(false);
        var sessionIds = new string[count];
        await ForEachAsync(count, async i => sessionIds[i] = await rest.CreateSessionAsync(access, cancellationToken: token).ConfigureAwait(false)).ConfigureAwait(false);

        var baseline = ManagedBytes();
        var clock = Stopwatch.StartNew();
        var greetings = new TimeSpan[count];
        var connected = bare
            ? await ConnectBareAsync(simulator, access, sessionIds, greetings, token).ConfigureAwait(false)
            : await ConnectSessionsAsync(simulator, access, sessionIds, greetings, token).ConfigureAwait(false);
        var settle = clock.Elapsed;

        var managed = ManagedBytes() - baseline;
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        await Task.Delay(QuietWindow, token).ConfigureAwait(false);
        process.Refresh();
        var idleCpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / QuietWindow.TotalMilliseconds;
        var workingSet = process.WorkingSet64;

        await connected.DisposeAsync().ConfigureAwait(false);
        var leftAfterDispose = ManagedBytes() - baseline;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"density {(bare ? "bare-websocket" : "session")} sessions {count} " +
            $"managed-bytes-per-session {managed / (double)count:F0} working-set-mb {workingSet / 1e6:F0} " +
            $"idle-cpu-percent-of-a-core {idleCpu * 100:F1} connect-and-settle-seconds {settle.TotalSeconds:F1} " +
            $"greeting-median-ms {Percentile(greetings, 0.5):F1} greeting-p95-ms {Percentile(greetings, 0.95):F1} " +
            $"left-after-dispose-bytes {leftAfterDispose} simulator-working-set-mb {simulator.WorkingSetBytes / 1e6:F0}"));
        return 0;
    }

    private static async Task<IAsyncDisposable> ConnectSessionsAsync(SimulatorProcess simulator, AccessToken access, string[] sessionIds, TimeSpan[] greetings, CancellationToken token)
    {
        var sessions = new PolyChatSession[sessionIds.Length];
        var readers = new Task[sessionIds.Length];
        await ForEachAsync(sessionIds.Length, async i =>
        {
            var opened = Stopwatch.GetTimestamp();
            var session = await PolyChatSession.ConnectAsync(new SessionOptions
            {
                WebSocketAddress = simulator.WebSocketAddress,
                SessionId = sessionIds[i],
                AccessToken = access,
            }, token).ConfigureAwait(false);
            sessions[i] = session;
            var greeted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            readers[i] = ReadAsync(session, greeted, token);
            await greeted.Task.WaitAsync(token).ConfigureAwait(false);
            greetings[i] = Stopwatch.GetElapsedTime(opened);
            var message = await session.SendMessageAsync("hello").ConfigureAwait(false);
            if (await message.Completion.WaitAsync(token).ConfigureAwait(false) != DeliveryStatus.Sent)
            {
                throw new InvalidOperationException($"Session {i}: the message was not Sent.");
            }
        }).ConfigureAwait(false);
        return new Disposer(async () =>
        {
            for (var i = 0; i < sessions.Length; i++)
            {
                await sessions[i].DisposeAsync().ConfigureAwait(false);
                sessions[i] = null!;
            }

            await Task.WhenAll(readers).ConfigureAwait(false);
            Array.Clear(readers);
        });
    }

    private static async Task ReadAsync(PolyChatSession session, TaskCompletionSource greeted, CancellationToken token)
    {
        try
        {
            await foreach (var value in session.ReadEventsAsync(token).ConfigureAwait(false))
            {
                if (value is PolyAgentMessageEvent)
                {
                    greeted.TrySetResult();
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SessionClosedException)
        {
            greeted.TrySetException(exception);
        }
    }

    // The baseline does by hand what each session does: join the agent, wait for its greeting, send one message and
    // wait for its echo; then it keeps one receive pending, as an idle session does.
    private static async Task<IAsyncDisposable> ConnectBareAsync(SimulatorProcess simulator, AccessToken access, string[] sessionIds, TimeSpan[] greetings, CancellationToken token)
    {
        var sockets = new ClientWebSocket[sessionIds.Length];
        var receives = new Task[sessionIds.Length];
        await ForEachAsync(sessionIds.Length, async i =>
        {
            var opened = Stopwatch.GetTimestamp();
            var socket = new ClientWebSocket();
            var uri = new UriBuilder(simulator.WebSocketAddress) { Query = $"session_id={sessionIds[i]}&access_token={Uri.EscapeDataString(access.Value)}" }.Uri;
            await socket.ConnectAsync(uri, token).ConfigureAwait(false);
            sockets[i] = socket;
            var buffer = new byte[4096];
            await SendTextAsync(socket, """{"type":"EVENT_TYPE_REQUEST_POLY_AGENT_JOIN","payload":{}}""", token).ConfigureAwait(false);
            await ReceiveUntilAsync(socket, buffer, "EVENT_TYPE_POLY_AGENT_MESSAGE", token).ConfigureAwait(false);
            greetings[i] = Stopwatch.GetElapsedTime(opened);
            await SendTextAsync(socket, """{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"hello"}}""", token).ConfigureAwait(false);
            await ReceiveUntilAsync(socket, buffer, "EVENT_TYPE_USER_MESSAGE", token).ConfigureAwait(false);
            receives[i] = DrainAsync(socket, buffer, token);
        }).ConfigureAwait(false);
        return new Disposer(async () =>
        {
            for (var i = 0; i < sockets.Length; i++)
            {
                sockets[i].Abort();
                sockets[i].Dispose();
                sockets[i] = null!;
            }

            await Task.WhenAll(receives.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            Array.Clear(receives);
        });
    }

    private static Task SendTextAsync(ClientWebSocket socket, string json, CancellationToken token) =>
        socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, token);

    // Frames here are small; a frame that holds the type name anywhere counts, which is enough for a baseline.
    private static async Task ReceiveUntilAsync(ClientWebSocket socket, byte[] buffer, string type, CancellationToken token)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes("\"" + type + "\"");
        while (true)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    length = 0;
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(length), token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException($"The simulator closed the socket before {type}.");
                }

                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (buffer.AsSpan(0, length).IndexOf(needle) >= 0)
            {
                return;
            }
        }
    }

    private static async Task DrainAsync(ClientWebSocket socket, byte[] buffer, CancellationToken token)
    {
        while (socket.State == WebSocketState.Open)
        {
            await socket.ReceiveAsync(buffer.AsMemory(), token).ConfigureAwait(false);
        }
    }

    // Connects in waves, as a service starting up would, without a storm of simultaneous handshakes.
    private static Task ForEachAsync(int count, Func<int, Task> body) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, (i, _) => new ValueTask(body(i)));

    private static double Percentile(TimeSpan[] values, double rank)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(rank * sorted.Length))].TotalMilliseconds;
    }

    private static long ManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private sealed class Disposer(Func<Task> dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await dispose().ConfigureAwait(false);
    }
}
