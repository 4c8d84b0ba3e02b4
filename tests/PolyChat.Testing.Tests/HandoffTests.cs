using System.Net.WebSockets;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests;

public sealed class HandoffTests
{
    [Fact]
    public async Task ServerManagedHandoffRunsToNaturalEnd()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await JoinedSocketAsync(harness);

        await socket.SendAsync(Frames.UserMessage("I want a human agent please"), harness.Token);
        var handoff = await socket.ReceiveUntilAsync(e => e is LiveAgentJoinedEvent, harness.Token);

        Assert.Collection(
            handoff,
            e => Assert.IsType<UserMessageEvent>(e),
            e => Assert.IsType<PolyAgentTriggeredHandoffEvent>(e),
            e => Assert.IsType<PolyAgentLeftEvent>(e),
            e => Assert.IsType<HandoffAcceptedEvent>(e),
            e => Assert.Equal(2, Assert.IsType<HandoffQueueStatusEvent>(e).Payload.PositionInQueue),
            e => Assert.Equal(1, Assert.IsType<HandoffQueueStatusEvent>(e).Payload.PositionInQueue),
            e => Assert.Equal("live_agent_1", Assert.IsType<LiveAgentJoinedEvent>(e).Payload.Agent!.Id));

        await socket.SendAsync(Frames.UserMessage("my parcel is late"), harness.Token);
        var turn = await socket.ReceiveUntilAsync(e => e is LiveAgentMessageEvent, harness.Token);
        Assert.Collection(
            turn,
            e => Assert.IsType<UserMessageEvent>(e),
            e => Assert.Null(Assert.IsType<LiveAgentTypingEvent>(e).Sequence),
            e => Assert.Equal("Live agent heard: my parcel is late", Assert.IsType<LiveAgentMessageEvent>(e).Payload.Text));

        await socket.SendAsync(Frames.UserMessage("bye"), harness.Token);
        var end = await socket.ReceiveUntilAsync(e => e is SessionEndEvent, harness.Token);
        Assert.Collection(
            end,
            e => Assert.IsType<UserMessageEvent>(e),
            e => Assert.IsType<LiveAgentLeftEvent>(e),
            e => Assert.Equal(SessionEndReason.NaturalEnd, Assert.IsType<SessionEndEvent>(e).Payload.Reason));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.ReceiveCloseAsync(harness.Token));
    }

    [Fact]
    public async Task ClientManagedHandoffSendsRequiredBeforeLeft()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await JoinedSocketAsync(harness);

        await socket.SendAsync(Frames.UserMessage("transfer me"), harness.Token);
        var events = await socket.ReceiveUntilAsync(e => e is PolyAgentLeftEvent, harness.Token);

        Assert.Collection(
            events,
            e => Assert.IsType<UserMessageEvent>(e),
            e => Assert.IsType<PolyAgentTriggeredHandoffEvent>(e),
            e => Assert.Equal(ClientHandoffReason.AgentDecision, Assert.IsType<ClientHandoffRequiredEvent>(e).Payload.Reason),
            e => Assert.IsType<PolyAgentLeftEvent>(e));

        // The agent has gone: a later message is still acknowledged, and nobody answers it.
        await socket.SendAsync(Frames.UserMessage("hello?"), harness.Token);
        await socket.SendAsync(Frames.Heartbeat, harness.Token);
        Assert.IsType<UserMessageEvent>(await socket.ReceiveLiveAsync(harness.Token));
        Assert.IsType<HeartbeatEvent>(await socket.ReceiveLiveAsync(harness.Token));
    }

    private static async Task<ChatSocket> JoinedSocketAsync(SimulatorHarness harness)
    {
        var socket = await harness.ConnectGreetedAsync();
        return socket;
    }
}
