using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.WebSockets;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests;

public sealed class FaultTests
{
    private const int Turns = 4;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public async Task DroppedConnectionsLoseNothingWhenClientReconnectsWithCursor(int seed)
    {
        var faults = new FaultOptions { Seed = seed, DropConnection = 0.15 };
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Faults = faults }, timeoutSeconds: 20);
        var (token, sessionId) = await harness.NewSessionAsync();

        var (received, reconnects) = await RunResilientClientAsync(harness, token, sessionId);

        Assert.True(reconnects > 0, "the seed should drop at least one connection");
        AssertMatchesJournal(await FullHistoryAsync(harness, token, sessionId), received);
    }

    [Fact]
    public async Task DuplicatedReorderedDelayedAndLostEchoesAreRepairedByDedupAndReplay()
    {
        var faults = new FaultOptions
        {
            Seed = 3,
            DuplicateEvent = 0.2,
            ReorderEvents = 0.2,
            DelayEvent = 0.2,
            MaxDelay = TimeSpan.FromMilliseconds(20),
            LoseEcho = 0.5,
        };
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Faults = faults }, timeoutSeconds: 20);
        var (token, sessionId) = await harness.NewSessionAsync();

        var (received, _) = await RunResilientClientAsync(harness, token, sessionId);

        AssertMatchesJournal(await FullHistoryAsync(harness, token, sessionId), received);
    }

    [Fact]
    public async Task SameSeedGivesSameLiveStream()
    {
        var first = await LiveTypesAsync(seed: 11);
        var second = await LiveTypesAsync(seed: 11);
        var unfaulted = await LiveTypesAsync(seed: null);

        Assert.Equal(first, second);
        Assert.NotEqual(unfaulted, first);
    }

    // A client that does what PolyAI's docs ask: dedupe by sequence, reconnect with the highest contiguous
    // sequence as the cursor (after a drop, or when a turn ends with a gap, i.e. a lost echo), and re-send a
    // frame whose echo is not in the history.
    private static async Task<(Dictionary<long, Event> Received, int Reconnects)> RunResilientClientAsync(
        SimulatorHarness harness, string token, string sessionId)
    {
        var received = new Dictionary<long, Event>();
        var reconnects = -1;
        while (true)
        {
            reconnects++;
            Assert.True(reconnects < 100, "too many reconnects");
            var cursor = ContiguousCursor(received);
            await using var socket = await harness.ConnectAsync(sessionId, token, cursor.ToString(CultureInfo.InvariantCulture));
            try
            {
                if (await ConverseAsync(harness, socket, received))
                {
                    return (received, reconnects);
                }
            }
            catch (WebSocketException)
            {
                // A fault dropped the socket: loop round and reconnect with the cursor.
            }
        }
    }

    // True when the conversation is complete; false when the client should reconnect to fill a gap.
    private static async Task<bool> ConverseAsync(SimulatorHarness harness, ChatSocket socket, Dictionary<long, Event> received)
    {
        foreach (var e in await socket.ReceiveBatchAsync(harness.Token))
        {
            received[e.Sequence!.Value] = e;
        }

        if (IsDone(received))
        {
            return true;
        }

        if (NextFrame(received) is { } pending)
        {
            await socket.SendAsync(pending, harness.Token);
        }

        while (true)
        {
            var next = await socket.ReceiveAsync(harness.Token);
            Assert.NotNull(next);
            if (next.Sequence is not { } sequence || !received.TryAdd(sequence, next) || next is not PolyAgentMessageEvent)
            {
                continue;
            }

            // A turn ended: everything before it should be here; a hole means an event was not delivered live.
            if (ContiguousCursor(received) != received.Keys.Max())
            {
                return false;
            }

            if (IsDone(received))
            {
                return true;
            }

            if (NextFrame(received) is { } frame)
            {
                await socket.SendAsync(frame, harness.Token);
            }
        }
    }

    private static bool IsDone(Dictionary<long, Event> received) =>
        received.Values.Count(e => e is UserMessageEvent) == Turns
        && received.Values.Count(e => e is PolyAgentMessageEvent) == Turns + 1
        && ContiguousCursor(received) == received.Keys.Max();

    // Join first, then one message per turn, each sent only once its predecessor's reply is in the journal.
    private static string? NextFrame(Dictionary<long, Event> received)
    {
        var replies = received.Values.Count(e => e is PolyAgentMessageEvent);
        if (!received.Values.Any(e => e is RequestPolyAgentJoinEvent))
        {
            return Frames.Join;
        }

        if (replies == 0)
        {
            return null;
        }

        var asked = received.Values.Count(e => e is UserMessageEvent);
        if (asked >= Turns || asked >= replies)
        {
            return null;
        }

        return Frames.UserMessage("question " + asked.ToString(CultureInfo.InvariantCulture));
    }

    private static long ContiguousCursor(Dictionary<long, Event> received)
    {
        var cursor = 0L;
        while (received.ContainsKey(cursor + 1))
        {
            cursor++;
        }

        return cursor;
    }

    private static async Task<IReadOnlyList<Event>> FullHistoryAsync(SimulatorHarness harness, string token, string sessionId)
    {
        await using var socket = await harness.ConnectAsync(sessionId, token);
        return await socket.ReceiveBatchAsync(harness.Token);
    }

    private static void AssertMatchesJournal(IReadOnlyList<Event> journal, Dictionary<long, Event> received)
    {
        Assert.Equal(1 + 4 + (Turns * 3), journal.Count);
        Assert.Equal(journal.Select(e => e.Id), received.OrderBy(p => p.Key).Select(p => p.Value.Id));
        Assert.Equal(
            Enumerable.Range(0, Turns).Select(i => "You said: question " + i.ToString(CultureInfo.InvariantCulture)),
            journal.OfType<PolyAgentMessageEvent>().Skip(1).Select(e => e.Payload.Text));
    }

    private static async Task<List<string>> LiveTypesAsync(int? seed)
    {
        var faults = seed is { } value ? new FaultOptions { Seed = value, DuplicateEvent = 0.3, LoseEcho = 0.5 } : FaultOptions.None;
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Faults = faults });
        await using var socket = await harness.ConnectNewAsync();
        await socket.SendAsync(Frames.Join, harness.Token);
        await socket.SendAsync(Frames.UserMessage("one"), harness.Token);
        await socket.SendAsync(Frames.UserMessage("two"), harness.Token);
        var events = await socket.ReceiveUntilAsync(e => e is PolyAgentMessageEvent { Payload.Text: "You said: two" }, harness.Token);
        return events.Select(e => e.Type.Value).ToList();
    }
}
