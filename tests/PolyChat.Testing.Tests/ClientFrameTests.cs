using System.Linq;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests;

/// <summary>What the simulator records about each client frame, and how it treats re-sent messages.</summary>
public sealed class ClientFrameTests
{
    [Fact]
    public async Task ServerAssignedFieldsSentByTheClientAreFlaggedAndTheFrameIsStillServed()
    {
        // §1a: the client must not send id, sequence or timestamp. The docs do not say the server refuses such a
        // frame, so it is served, and flagged for the test to see.
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await harness.ConnectNewAsync();

        await socket.SendAsync("""{"id":"c1","sequence":7,"timestamp":"2026-05-20T09:15:00Z","type":"EVENT_TYPE_HEARTBEAT","payload":{}}""", harness.Token);
        await socket.SendAsync("""{"sequence":8,"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""", harness.Token);
        await socket.SendAsync(Frames.Heartbeat, harness.Token);
        var echoes = new[] { await socket.ReceiveLiveAsync(harness.Token), await socket.ReceiveLiveAsync(harness.Token), await socket.ReceiveLiveAsync(harness.Token) };

        Assert.All(echoes, e => Assert.IsType<HeartbeatEvent>(e));
        Assert.NotEqual("c1", echoes[0].Id);
        var frames = harness.Simulator.Sessions.Single().ReceivedFrames;
        Assert.Equal(
            [ClientFrameFlags.CarriesId | ClientFrameFlags.CarriesSequence | ClientFrameFlags.CarriesTimestamp, ClientFrameFlags.CarriesSequence, ClientFrameFlags.None],
            frames.Select(f => f.Flags));
        Assert.Equal(echoes.Select(e => e.Id), frames.Select(f => f.Echo!.Id));
        Assert.All(frames, f => Assert.Null(f.Error));
        Assert.All(frames, f => Assert.Equal(1, f.Connection));
    }

    [Fact]
    public async Task RejectedFramesAreRecordedWithTheirErrorAndFlags()
    {
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { MaxMessageSizeBytes = 1024 });
        await using var socket = await harness.ConnectNewAsync();

        string[] sent =
        [
            "{oops",
            """{"type":"EVENT_TYPE_DANCE","payload":{}}""",
            """{"type":"EVENT_TYPE_SESSION_START","payload":{}}""",
            """{"type":"EVENT_TYPE_HEARTBEAT","metadata":{"custom":{"client_event_id":"m1"}}}""",
            Frames.UserMessage(new string('x', 2000)),
        ];
        foreach (var frame in sent)
        {
            await socket.SendAsync(frame, harness.Token);
        }

        var errors = new SystemMessageEvent[sent.Length];
        for (var i = 0; i < sent.Length; i++)
        {
            errors[i] = Assert.IsType<SystemMessageEvent>(await socket.ReceiveLiveAsync(harness.Token));
        }

        var frames = harness.Simulator.Sessions.Single().ReceivedFrames;
        Assert.Equal(
            [ClientFrameFlags.Malformed, ClientFrameFlags.UnknownType, ClientFrameFlags.ServerOnlyType, ClientFrameFlags.MissingPayload, ClientFrameFlags.Oversized],
            frames.Select(f => f.Flags));
        Assert.Equal(errors.Select(e => e.Payload.Message), frames.Select(f => f.Error));
        Assert.Equal("m1", frames[3].ClientEventId);

        // §6: custom metadata is echoed on error events too.
        Assert.Equal("m1", errors[3].Metadata!.Custom!["client_event_id"]);
        Assert.All(frames, f => Assert.Null(f.Echo));
        Assert.Equal(sent[..4], frames.Take(4).Select(f => f.Json));
    }

    [Fact]
    public async Task AReSentMessageIsProcessedAgainWithItsOwnEchoIdSequenceAndMessageId()
    {
        // The docs do not say the server deduplicates by client_event_id (§2 leaves re-sends to the client), so by
        // default the simulator does not: a re-send is a second message.
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await harness.ConnectGreetedAsync();

        await socket.SendAsync(Frames.UserMessage("hi", "cid-1"), harness.Token);
        var first = await socket.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);
        await socket.SendAsync(Frames.UserMessage("hi", "cid-1"), harness.Token);
        var second = await socket.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);

        var echo1 = Assert.IsType<UserMessageEvent>(first[0]);
        var echo2 = Assert.IsType<UserMessageEvent>(second[0]);
        Assert.NotEqual(echo1.Id, echo2.Id);
        Assert.True(echo2.Sequence > echo1.Sequence);
        Assert.NotEqual(echo1.Payload.MessageId, echo2.Payload.MessageId);
        Assert.Equal("cid-1", echo2.Metadata!.Custom!["client_event_id"]);
        Assert.IsType<PolyAgentMessageEvent>(second[^1]);
        var frames = harness.Simulator.Sessions.Single().ReceivedFrames.Where(f => f.ClientEventId == "cid-1").ToList();
        Assert.Equal([ClientFrameFlags.None, ClientFrameFlags.RepeatedClientEventId], frames.Select(f => f.Flags));
    }

    [Fact]
    public async Task WithServerSideDeduplicationAReSendGetsTheFirstEchoAgainAndNothingElse()
    {
        // Our option, for tests of a client against a server that would deduplicate.
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { DeduplicateByClientEventId = true });
        await using var socket = await harness.ConnectGreetedAsync();
        await socket.SendAsync(Frames.UserMessage("hi", "cid-1"), harness.Token);
        var first = await socket.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);

        await socket.SendAsync(Frames.UserMessage("hi", "cid-1"), harness.Token);
        var again = await socket.ReceiveLiveAsync(harness.Token);
        await socket.SendAsync(Frames.Heartbeat, harness.Token);
        var next = await socket.ReceiveLiveAsync(harness.Token);

        Assert.Equal(first[0].Id, again.Id);
        Assert.Equal(first[0].Sequence, again.Sequence);
        Assert.IsType<HeartbeatEvent>(next);
        Assert.Single(harness.Simulator.Sessions.Single().Journal.OfType<UserMessageEvent>());
    }
}
