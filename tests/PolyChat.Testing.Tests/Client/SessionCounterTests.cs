using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Streaming;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>
/// Each counter of the <c>PolyChat.Protocol</c> meter by its name (README), read through a <see cref="MeterListener"/>
/// as <c>dotnet-counters</c> or an exporter would. The meter is process-wide and its measurements carry no session
/// tag, so these tests run in a collection of their own that runs alone: every measurement seen is this test's
/// session's, and the counts are exact.
/// </summary>
[Collection(Name)]
public sealed class SessionCounterTests
{
    public const string Name = "Session counters (process-wide meter)";

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task AMalformedFrameCountsOnceInFramesRejected()
    {
        using var probe = new MeterProbe();
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
            await connection.SendAsync("{\"type\":\"EVENT_TYPE_POLY_AGENT_MESSAGE\",\"payload\":");
            await connection.SendAsync(ServerFrames.Typing(1));
        });
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server));

        await Waits.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the frame after the malformed one");

        Assert.Equal(1, probe.Total("polychat.frames.rejected"));
    }

    [Fact]
    public async Task AnEventSentTwiceCountsOnceInDuplicates()
    {
        using var probe = new MeterProbe();
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
            await connection.SendAsync(ServerFrames.AgentMessage(3, "once"));
            await connection.SendAsync(ServerFrames.AgentMessage(3, "once"));
            await connection.SendAsync(ServerFrames.Typing(1));
        });
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server));

        await Waits.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the frame after the copy");

        Assert.Equal(1, client.Count<PolyAgentMessageEvent>());
        Assert.Equal(1, probe.Total("polychat.events.duplicates"));
    }

    [Fact]
    public async Task AHoleTheRepairLeavesOpenCountsOnceInGaps()
    {
        // 2, 3 and 4 are missing; the repair reconnect brings no batch, only the held event again: declared lost.
        using var probe = new MeterProbe();
        var (server, client, gaps) = await HoleAsync(repairHasBatch: false);
        await using var stop = server;
        await using var guard = client;

        Assert.Equal(GapReason.RepairFailed, Assert.Single(gaps).Reason);
        Assert.Equal(1, probe.Total("polychat.events.gaps"));
        Assert.Equal(0, probe.Total("polychat.events.skipped_sequences"));
    }

    [Fact]
    public async Task NumbersAReplayShowsWereNeverAssignedCountInSkippedSequences()
    {
        // 2, 3 and 4 are missing; the repair's replay holds 5 and nothing below it: three numbers skipped, no gap.
        using var probe = new MeterProbe();
        var (server, client, gaps) = await HoleAsync(repairHasBatch: true);
        await using var stop = server;
        await using var guard = client;

        Assert.Empty(gaps);
        Assert.Equal(3, client.Session.SkippedSequences);
        Assert.Equal(3, probe.Total("polychat.events.skipped_sequences"));
        Assert.Equal(0, probe.Total("polychat.events.gaps"));
    }

    [Fact]
    public async Task AStreamedReplyCutBySessionEndCountsOnceInAbandoned()
    {
        const string Chunk = "{\"message_id\":\"m1\",\"chunk_index\":1,\"text\":\"Hel\",\"is_complete\":false}";
        using var probe = new MeterProbe();

        // The client reads from its start; the reply comes once the handler is subscribed.
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
            await subscribed.Task;
            await connection.SendAsync(ServerFrames.Event(3, "EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK", Chunk));
            await connection.SendAsync(ServerFrames.SessionEnd(4, "REASON_NATURAL_END"));
        });
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server));
        var abandoned = new ConcurrentQueue<AbandonedMessage>();
        client.Session.MessageAbandoned += (_, report) => abandoned.Enqueue(report);
        subscribed.SetResult();

        Assert.Null(await client.EndedAsync());

        Assert.Single(abandoned);
        Assert.Equal(1, probe.Total("polychat.messages.abandoned"));
    }

    [Fact]
    public async Task ASecondEchoCountsOnceInExtraCopies()
    {
        using var probe = new MeterProbe();
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
            var sent = await connection.WaitForTypeAsync("EVENT_TYPE_USER_MESSAGE");
            var clientEventId = ScriptedConnection.ClientEventIdOf(sent)!;
            await connection.SendAsync(ServerFrames.UserMessageEcho(3, "Hello", clientEventId));
            await connection.SendAsync(ServerFrames.UserMessageEcho(4, "Hello", clientEventId));
            await connection.SendAsync(ServerFrames.AgentMessage(5, "Hi."));
        });
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server));
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");

        var message = await client.Session.SendMessageAsync("Hello");
        await Waits.UntilAsync(() => client.Count<PolyAgentMessageEvent>() == 1, "the reply after both echoes");

        Assert.Equal(1, message.ExtraCopies);
        Assert.Equal(1, probe.Total("polychat.session.extra_copies"));
    }

    [Fact]
    public async Task ADroppedSocketCountsOnceInReconnects()
    {
        using var probe = new MeterProbe();
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(connection.Index == 0
                ? ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2))
                : ServerFrames.AgentMessage(3, "back"));
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");
        Assert.Equal(0, probe.Total("polychat.session.reconnects"));
        server.Connections[0].Abort();

        await Waits.AdvanceUntilAsync(clock, Step, () => client.Count<PolyAgentMessageEvent>() == 1, "the reconnect", TimeSpan.FromMinutes(1));

        Assert.Equal(2, server.Connections.Count);
        Assert.Equal(1, probe.Total("polychat.session.reconnects"));
    }

    [Fact]
    public async Task AResendForLackOfAnEchoCountsOnceInRetriesAndItsEchoOnceInEchoLatency()
    {
        // §2: no echo within 5 s, the message is sent again; the echo of the retry settles it.
        using var probe = new MeterProbe();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
            await connection.WaitForFrameAsync(frame => connection.ReceivedTypes.Count(type => type == "EVENT_TYPE_USER_MESSAGE") == 2);
            var sent = await connection.WaitForTypeAsync("EVENT_TYPE_USER_MESSAGE");
            await connection.SendAsync(ServerFrames.UserMessageEcho(3, "Hello", ScriptedConnection.ClientEventIdOf(sent)!));
        });
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");

        var message = await client.Session.SendMessageAsync("Hello");
        await Waits.AdvanceUntilAsync(clock, Step, () => message.Status == DeliveryStatus.Sent, "the echo of the retry", TimeSpan.FromSeconds(9));

        // The message went out twice: the first send and one retry for lack of an echo.
        Assert.Equal(2, server.Connections[0].ReceivedTypes.Count(type => type == "EVENT_TYPE_USER_MESSAGE"));
        Assert.Equal(2, message.Attempts);
        Assert.Equal(1, probe.Total("polychat.messages.retries"));
        Assert.Single(probe.Values("polychat.messages.echo_latency"));
    }

    [Fact]
    public async Task AnEchoRecordsTheTimeFromSendToEchoInEchoLatency()
    {
        // The session's clock is fake: 250 ms pass between the send and the echo, and nothing else.
        using var probe = new MeterProbe();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));

            // Live traffic ends the history at once (the fake clock does not move on its own).
            await connection.SendAsync(ServerFrames.Typing(1));
            var sent = await connection.WaitForTypeAsync("EVENT_TYPE_USER_MESSAGE");
            await release.Task;
            await connection.SendAsync(ServerFrames.UserMessageEcho(3, "Hello", ScriptedConnection.ClientEventIdOf(sent)!));
        });
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await Waits.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the end of the history");

        var message = await client.Session.SendMessageAsync("Hello");
        // Polled: the script waits on the connection's frame signal, and two waiters would take each other's wake-up.
        await Waits.UntilAsync(() => server.Connections[0].ReceivedTypes.Contains("EVENT_TYPE_USER_MESSAGE"), "the send");
        clock.Advance(TimeSpan.FromMilliseconds(250));
        release.SetResult();
        await Waits.UntilAsync(() => message.Status == DeliveryStatus.Sent, "the echo");

        Assert.Equal(250.0, Assert.Single(probe.Values("polychat.messages.echo_latency")), 6);
        Assert.Equal(0, probe.Total("polychat.messages.retries"));
    }

    /// <summary>
    /// A live event at 5 after a history ending at 1; the repair reconnect's answer either replays 5 (a batch) or
    /// sends it live again (no batch). Returns once the held event was delivered.
    /// </summary>
    private static async Task<(ScriptedServer Server, ScriptedClient Client, ConcurrentQueue<SequenceGap> Gaps)> HoleAsync(bool repairHasBatch)
    {
        var live = ServerFrames.AgentMessage(5, "after a hole");
        var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            _ = Soon.EchoHeartbeatsAsync(connection);
            if (connection.Index == 0)
            {
                await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1)));
                await connection.SendAsync(live);
            }
            else
            {
                await connection.SendAsync(repairHasBatch ? ServerFrames.Batch(live) : live);
            }
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock, sequencing: new SequencerOptions { GapTimeout = TimeSpan.FromHours(1) }));
        var gaps = new ConcurrentQueue<SequenceGap>();
        client.Session.GapDeclared += (_, gap) => gaps.Enqueue(gap);
        await Waits.AdvanceUntilAsync(clock, Step, () => client.Count<PolyAgentMessageEvent>() == 1, "the held event", TimeSpan.FromMinutes(1));
        Assert.Equal(2, server.Connections.Count);
        return (server, client, gaps);
    }

    /// <summary>Every measurement of the <c>PolyChat.Protocol</c> meter while it lives.</summary>
    private sealed class MeterProbe : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value)> _measurements = new();

        public MeterProbe()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "PolyChat.Protocol")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _measurements.Enqueue((instrument.Name, value)));
            _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => _measurements.Enqueue((instrument.Name, value)));
            _listener.Start();
        }

        public long Total(string name) => (long)_measurements.Where(m => m.Name == name).Sum(m => m.Value);

        public IReadOnlyList<double> Values(string name) => _measurements.Where(m => m.Name == name).Select(m => m.Value).ToList();

        public void Dispose() => _listener.Dispose();
    }
}

[CollectionDefinition(SessionCounterTests.Name, DisableParallelization = true)]
public sealed class SessionCounterCollection
{
}
