using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>
/// The end of the history without a fixed wait: on connect the session sends a HEARTBEAT at once (§5f; the server
/// echoes each one, §2), and the first frame that is not a replay batch, such as that echo, ends the history (§4a
/// "one or more" batches, none marked last). A new session then asks for its agent at once; a reconnect re-sends
/// only what the whole replay did not confirm, however late the replay comes.
/// </summary>
public sealed class HistoryEndTests
{
    private const string Join = "EVENT_TYPE_REQUEST_POLY_AGENT_JOIN";
    private const string UserMessage = "EVENT_TYPE_USER_MESSAGE";

    [Fact]
    public async Task ANewSessionAsksForItsAgentWithoutTheClockMoving()
    {
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.NewSessionHistory());
            _ = Soon.EchoHeartbeatsAsync(connection);
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var start = clock.GetUtcNow();
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await using var guard = Soon.Quietly(client);
        var connection = await Soon.Within(server.WaitForConnectionAsync(1), "the connection");

        await Soon.Within(connection.WaitForTypeAsync(Join), "REQUEST_POLY_AGENT_JOIN with the fake clock standing still");

        Assert.Equal(start, clock.GetUtcNow());
        Assert.Equal(1, connection.ReceivedTypes.Count(type => type == Join));
    }

    [Fact]
    public async Task AReplayThatComesAfterTheQuietPeriodWithTheEchoOfAPendingMessageMeansNoResend()
    {
        // §4b: the replay after the cursor holds the echo of the message the client sent before the drop; it comes
        // 800 ms after the socket opened (HistoryQuietPeriod is 500 ms). Nothing but the batch ends the history
        // before it: the server echoes heartbeats only once the batch is out.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var clientEventId = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            if (connection.Index == 0)
            {
                await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1, heartbeatSeconds: 0), ServerFrames.AgentJoined(2)));
                await connection.SendAsync(ServerFrames.Typing(0));
                _ = Soon.EchoHeartbeatsAsync(connection);

                // The message arrives and is stored, but the socket drops before its echo goes out.
                var message = await connection.WaitForTypeAsync(UserMessage);
                clientEventId.SetResult(ScriptedConnection.ClientEventIdOf(message)!);
                connection.Abort();
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(800), clock);
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.UserMessageEcho(3, "are you there?", await clientEventId.Task)));
            _ = Soon.EchoHeartbeatsAsync(connection);
            await connection.SendAsync(ServerFrames.Typing(connection.Index));
        });
        var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server, clock));
        await using var guard = Soon.Quietly(client);
        await Soon.UntilAsync(() => client.Count<LiveAgentTypingEvent>() == 1, "the end of the first history");

        var message = await client.Session.SendMessageAsync("are you there?");
        await Soon.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(20), () => client.Count<LiveAgentTypingEvent>() == 2, "the late replay and the end of the history", TimeSpan.FromSeconds(4));

        Assert.Equal(DeliveryStatus.Sent, await Soon.Within(message.Completion, "the echo in the replay"));
        Assert.Equal(2, server.Connections.Count);
        Assert.True(server.Connections[1].Cursor > 0);
        var sends = server.Connections.Sum(connection => connection.Received.Count(frame =>
            ScriptedConnection.TypeOf(frame) == UserMessage && ScriptedConnection.ClientEventIdOf(frame) == message.ClientEventId));
        Assert.Equal(1, sends);
        Assert.Equal(1, client.Count<UserMessageEvent>());
    }
}
