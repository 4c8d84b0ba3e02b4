using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using Xunit;

namespace PolyChat.Testing.Tests;

/// <summary><see cref="SimulatorSession.Publish"/>, <see cref="SimulatorSession.End"/> and <see cref="SimulatorSession.Echoes"/> do what their docs say.</summary>
public sealed class SimulatorSessionApiTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PublishStampsJournalsAndSendsTheEventToTheOpenSocket()
    {
        await using var simulator = PolyAiSimulator.CreateInMemory(new SimulatorOptions());
        var options = await simulator.CreateSessionAsync();
        var server = simulator.GetSession(options.SessionId);
        using var timeout = new CancellationTokenSource(Patience);
        await using var session = await PolyChatSession.ConnectAsync(options, timeout.Token);
        await using var events = session.ReadEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        await NextAsync<PolyAgentMessageEvent>(events);
        var highest = server.Journal.Max(e => e.Sequence!.Value);

        var published = server.Publish(new LiveAgentMessageEvent(new LiveAgentMessagePayload { MessageId = "m1", AgentId = "a", Text = "published" }));
        var received = await NextAsync<LiveAgentMessageEvent>(events);

        // Stamped: an id, the next sequence, a timestamp.
        Assert.False(string.IsNullOrEmpty(published.Id));
        Assert.True(published.Sequence > highest, $"sequence {published.Sequence} after {highest}");
        Assert.NotNull(published.Timestamp);

        // Journaled, and sent as stamped.
        Assert.Equal(published.Id, server.Journal[^1].Id);
        Assert.Equal((published.Id, published.Sequence, "published"), (received.Id, received.Sequence, received.Payload.Text));
    }

    [Fact]
    public async Task PublishRefusesNullAndAnEndedSession()
    {
        await using var simulator = PolyAiSimulator.CreateInMemory(new SimulatorOptions());
        var options = await simulator.CreateSessionAsync();
        var server = simulator.GetSession(options.SessionId);

        Assert.Throws<ArgumentNullException>(() => server.Publish(null!));
        server.End();
        Assert.Throws<InvalidOperationException>(() => server.Publish(new LiveAgentMessageEvent(new LiveAgentMessagePayload { MessageId = "m1", AgentId = "a", Text = "late" })));
    }

    [Theory]
    [InlineData(null, "REASON_NATURAL_END")]
    [InlineData("REASON_USER_ABANDONED", "REASON_USER_ABANDONED")]
    public async Task EndSendsSessionEndWithTheReasonAndTheSessionIsOver(string? reason, string expected)
    {
        await using var simulator = PolyAiSimulator.CreateInMemory(new SimulatorOptions());
        var options = await simulator.CreateSessionAsync();
        var server = simulator.GetSession(options.SessionId);
        using var timeout = new CancellationTokenSource(Patience);
        await using var session = await PolyChatSession.ConnectAsync(options, timeout.Token);
        var seen = new List<Event>();
        var greeted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            await foreach (var value in session.ReadEventsAsync(timeout.Token))
            {
                seen.Add(value);
                if (value is PolyAgentMessageEvent)
                {
                    greeted.TrySetResult();
                }
            }
        });
        await greeted.Task.WaitAsync(timeout.Token);

        server.End(reason is null ? null : SessionEndReason.UserAbandoned);
        await reading.WaitAsync(timeout.Token);

        // SESSION_END is the last event the application gets; the stream completes normally; the server is done.
        var end = Assert.IsType<SessionEndEvent>(seen[^1]);
        Assert.Equal(expected, end.Payload.Reason?.Value);
        Assert.True(server.IsEnded);
        Assert.Equal(end.Id, Assert.IsType<SessionEndEvent>(server.Journal[^1]).Id);
        Assert.Equal(SessionPhase.Ended, session.Phase);
    }

    [Fact]
    public async Task EchoesHoldTheEchoOfEachAcceptedMessageAsItWasSent()
    {
        await using var simulator = PolyAiSimulator.CreateInMemory(new SimulatorOptions());
        var options = await simulator.CreateSessionAsync();
        var server = simulator.GetSession(options.SessionId);
        using var timeout = new CancellationTokenSource(Patience);
        await using var session = await PolyChatSession.ConnectAsync(options, timeout.Token);
        await using var events = session.ReadEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        await NextAsync<PolyAgentMessageEvent>(events);
        Assert.Empty(server.Echoes.OfType<UserMessageEvent>());

        var message = await session.SendMessageAsync("echo me");
        Assert.Equal(DeliveryStatus.Sent, await message.Completion.WaitAsync(timeout.Token));
        var received = await NextAsync<UserMessageEvent>(events);

        var echo = Assert.Single(server.Echoes.OfType<UserMessageEvent>());
        Assert.Equal(("echo me", received.Id, received.Sequence), (echo.Payload.Text, echo.Id, echo.Sequence));

        // One echo per echoed frame: each one the client's frames got, in order.
        Assert.Equal(server.ReceivedFrames.Where(frame => frame.Echo is not null).Select(frame => frame.Echo!.Id), server.Echoes.Select(e => e.Id));
        Assert.Contains(server.Echoes, e => e.Id == echo.Id && server.Journal.Any(j => j.Id == e.Id));
    }

    private static async Task<T> NextAsync<T>(IAsyncEnumerator<Event> events)
        where T : Event
    {
        while (await events.MoveNextAsync())
        {
            if (events.Current is T match)
            {
                return match;
            }
        }

        throw new InvalidOperationException($"The stream ended without a {typeof(T).Name}.");
    }
}
