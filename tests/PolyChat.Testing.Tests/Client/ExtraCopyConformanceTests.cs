using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using PolyChat.Protocol;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Client.Scripted;
using Xunit;

namespace PolyChat.Testing.Tests.Client;

/// <summary>A retried message that the server kept twice reaches the application once.</summary>
public sealed class ExtraCopyConformanceTests
{
    [Fact]
    public async Task ASecondEchoOfTheSameClientEventIdIsAUpdateNotANewMessage()
    {
        // §2: every attempt carries the same client_event_id and the echo is the receipt; §1b: ids are unique per
        // event, so two echoes with two ids and sequences are two server copies of one message. Showing the
        // message once is our rule (the docs only say to match echoes by client_event_id).
        await using var server = await ScriptedServer.StartAsync(async connection =>
        {
            await connection.AcceptAsync();
            await connection.SendAsync(ServerFrames.Batch(ServerFrames.SessionStart(1), ServerFrames.AgentJoined(2)));
            var sent = await connection.WaitForTypeAsync("EVENT_TYPE_USER_MESSAGE");
            var clientEventId = ScriptedConnection.ClientEventIdOf(sent)!;
            await connection.SendAsync(ServerFrames.UserMessageEcho(3, "Can I change my delivery address?", clientEventId));
            await connection.SendAsync(ServerFrames.UserMessageEcho(4, "Can I change my delivery address?", clientEventId));
            await connection.SendAsync(ServerFrames.AgentMessage(5, "Yes."));
        });
        await using var client = await ScriptedClient.ConnectAsync(ScriptedClient.Options(server));
        var updates = new ConcurrentQueue<DeliveryUpdate>();
        client.Session.Deliveries.Updated += (_, update) => updates.Enqueue(update);
        await Waits.UntilAsync(() => client.Count<PolyAgentJoinedEvent>() == 1, "the history");

        var message = await client.Session.SendMessageAsync("Can I change my delivery address?");
        await Waits.UntilAsync(() => client.Count<PolyAgentMessageEvent>() == 1, "the reply after both echoes");

        var echoes = client.Events.OfType<UserMessageEvent>().ToList();
        Assert.Single(echoes);
        Assert.Equal(3, echoes[0].Sequence);
        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Equal(1, message.ExtraCopies);
        Assert.Contains(updates, update => update.Kind == DeliveryUpdateKind.ExtraCopy && update.Message == message);
        Assert.Equal(5, client.Session.Cursor);
    }
}
