using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Storage;
using PolyChat.Session.CrashChild;
using PolyChat.Storage.PostgreSql;
using PolyChat.Storage.Sqlite;

// Usage: <store> <websocket address> <session id> <access token> <log file> <messages>
//   store: sqlite:<file> or postgres:<connection string>
// Chats through a stored session: once the agent has greeted, sends m1..mN one after another (each once its receipt
// came), then ends the session once the reply to each one that got through was handled. Every handled event, acceptance and receipt is a line of the log. Restarted after a
// kill with the same arguments, it resumes: a send repeated under its id is not sent again, and a message the store
// knows failed is not retried.
const int EndedBeforeStart = 3;
var (storeArgument, address, sessionId, tokenValue, logPath, messageCount) =
    (args[0], new Uri(args[1]), args[2], args[3], args[4], int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture));

using var log = new HandledLog(logPath);
log.Write("start", Environment.ProcessId);
ISessionStore store = storeArgument.Split(':', 2) switch
{
    ["sqlite", var file] => new SqliteSessionStore($"Data Source={file}"),
    ["postgres", var connectionString] => new PostgreSqlSessionStore(connectionString),
    _ => throw new ArgumentException($"Unknown store '{storeArgument}'."),
};

var stored = await store.ReadAsync(sessionId);
var settledBefore = stored?.RecentlySettled.Select(s => s.ClientEventId).ToHashSet(StringComparer.Ordinal) ?? [];
var handledBefore = System.IO.File.ReadLines(logPath).Where(line => line.StartsWith("event\t", StringComparison.Ordinal)).ToList();
var greetedBefore = handledBefore.Any(line => line.Contains("\tEVENT_TYPE_POLY_AGENT_MESSAGE\t", StringComparison.Ordinal));
var replied = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(
    handledBefore.Select(line => line.Split(":reply:You said: ")).Where(parts => parts.Length == 2).Select(parts => parts[1])
        .Distinct().Select(text => KeyValuePair.Create(text, true)));
var failed = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(
    stored?.RecentlySettled.Where(s => s.Status == DeliveryStatus.Failed).Select(s => KeyValuePair.Create(s.ClientEventId, true)) ?? []);

PolyChatSession session;
try
{
    session = await PolyChatSession.ConnectAsync(new SessionOptions
    {
        WebSocketAddress = address,
        SessionId = sessionId,
        AccessToken = new AccessToken(tokenValue, TimeSpan.FromHours(1)),
        Storage = new StorageOptions { Store = store, Owner = "crash-child", LeaseDuration = TimeSpan.FromSeconds(5) },
        Delivery = new DeliveryOptions { RetryDelay = TimeSpan.FromMilliseconds(300) },
        InitialReconnectDelay = TimeSpan.FromMilliseconds(20),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
        GapReconnectDelay = TimeSpan.FromMilliseconds(50),
        MaxReconnectAttempts = 100,
        Logger = new LogLineLogger(log),
    });
}
catch (Exception exception) when (exception is SessionClosedException or PolyChatApiException)
{
    // The session ended before this process started (its end was handled, or the server no longer knows it).
    log.Write("ended", exception.GetType().Name, exception.Message);
    return EndedBeforeStart;
}

await using (session)
{
    session.Deliveries.Updated += (_, update) =>
    {
        if (update.Kind is DeliveryUpdateKind.Sent or DeliveryUpdateKind.Failed)
        {
            log.Write("receipt", update.Message.ClientEventId, update.Kind, update.Attempts);
        }
    };

    var greeted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);


    if (greetedBefore)
    {
        greeted.TrySetResult();
    }

    var driver = Task.Run(async () =>
    {
        await greeted.Task;
        for (var i = 1; i <= messageCount; i++)
        {
            var clientEventId = $"m{i}";
            if (settledBefore.Contains(clientEventId))
            {
                continue;
            }

            var message = await session.SendAsync(new UserMessageEvent(new UserMessagePayload { Text = $"message {i}" })
            {
                Metadata = new Metadata { Custom = new Dictionary<string, string> { [DeliveryTracker.ClientEventIdKey] = clientEventId } },
            });
            log.Write("accepted", clientEventId);
            if (await message.Completion == DeliveryStatus.Failed)
            {
                failed[clientEventId] = true;
            }
        }

        // The end is asked for only once the reply to every message that got through was handled: the server refuses a
        // reconnect to an ended session (§5g), so whatever a killed process had not handled by then would be out of reach.
        while (!Enumerable.Range(1, messageCount).All(i => failed.ContainsKey($"m{i}") || replied.ContainsKey($"message {i}")))
        {
            await Task.Delay(20);
        }

        await session.SendAsync(new UserEndSessionEvent(new UserEndSessionPayload())
        {
            Metadata = new Metadata { Custom = new Dictionary<string, string> { [DeliveryTracker.ClientEventIdKey] = "end" } },
        });
        log.Write("accepted", "end");
    });

    await foreach (var value in session.ReadEventsAsync())
    {
        var clientEventId = value.Metadata?.Custom is { } custom && custom.TryGetValue(DeliveryTracker.ClientEventIdKey, out var id) ? id : null;
        var chunk = value switch
        {
            PolyAgentMessageChunkEvent part => $"{part.Payload.MessageId}:{part.Payload.ChunkIndex}:{part.Payload.IsComplete}",
            PolyAgentMessageEvent whole => $"{whole.Payload.MessageId}:reply:{whole.Payload.Text}",
            _ => null,
        };
        log.Write("event", value.Id, value.Sequence, value.Type.Value, clientEventId, chunk);
        if (value is PolyAgentMessageEvent reply)
        {
            greeted.TrySetResult();
            if (reply.Payload.Text is { } text && text.StartsWith("You said: ", StringComparison.Ordinal))
            {
                replied[text["You said: ".Length..]] = true;
            }
        }
    }

    log.Write("done");
    await driver.WaitAsync(TimeSpan.FromSeconds(5));
}

return 0;
