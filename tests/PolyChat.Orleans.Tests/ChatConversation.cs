using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Orleans.Tests;

/// <summary>
/// The app's side of one chat, as an app would write it: keeps its subscription renewed (which also brings the chat back
/// on a live silo after a kill), waits for the greeting, sends its messages one after another at a seeded pace, each
/// repeated under its id until a receipt comes, waits for the reply to each one sent, then ends the chat.
/// </summary>
internal static class ChatConversation
{
    private const string AgentMessage = "EVENT_TYPE_POLY_AGENT_MESSAGE";
    private const string SessionEnd = "EVENT_TYPE_SESSION_END";

    public static async Task RunAsync(ChatRecord chat, IChatObserver observer, int messages, Random pace, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var subscription = KeepSubscribedAsync(chat, observer, stop.Token);
        try
        {
            await chat.WaitForAsync(d => d.Any(e => e.Event.Type == AgentMessage), cancellationToken);
            for (var i = 1; i <= messages && !chat.EndedUnderfoot; i++)
            {
                await Task.Delay(pace.Next(300, 900), cancellationToken);
                var index = i;
                await AskAsync(chat, $"m{i}", () => chat.Grain.SendMessageAsync($"m{index}", $"message {index}"), cancellationToken);
            }

            // The end only once each sent message's reply was handled: after the end the server lets no one reconnect.
            var sent = chat.Receipts.Where(r => r.Value.Receipt?.Status == ChatDeliveryStatus.Sent).Select(r => "You said: message " + r.Key[1..]).ToList();
            await chat.WaitForAsync(d => sent.All(text => d.Any(e => e.Event.Type == AgentMessage && e.Event.Json.Contains(text, StringComparison.Ordinal))), cancellationToken);
            await AskAsync(chat, "end", () => chat.Grain.EndAsync("end"), cancellationToken);
            await chat.WaitForAsync(d => d.Any(e => e.Event.Type == SessionEnd), cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await subscription;
        }
    }

    /// <summary>Sends until a receipt comes; a chat that answers it has ended is recorded as ended underfoot.</summary>
    private static async Task AskAsync(ChatRecord chat, string clientEventId, Func<Task<ChatReceipt>> send, CancellationToken cancellationToken)
    {
        var acceptedAt = DateTimeOffset.UtcNow;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var receipt = await send();
                lock (chat.Receipts)
                {
                    chat.Receipts[clientEventId] = (receipt, acceptedAt, DateTimeOffset.UtcNow);
                }

                return;
            }
            catch (ChatException exception) when (!exception.CanRetry)
            {
                // Only an ended chat refuses for good (every call here is valid).
                lock (chat.Receipts)
                {
                    chat.Receipts[clientEventId] = (null, acceptedAt, DateTimeOffset.UtcNow);
                }

                chat.EndedWhy = exception.Message;
                chat.EndedUnderfoot = true;
                return;
            }
            catch (Exception)
            {
                // The chat's silo died under the call, or it is moving: the same id again reaches the next owner.
                await Task.Delay(250, cancellationToken);
            }
        }
    }

    private static async Task KeepSubscribedAsync(ChatRecord chat, IChatObserver observer, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Bounded: a renewal in flight to a silo that died would otherwise wait for the client's response
                // timeout, and the renewal is what brings the chat back on a live silo.
                if (await chat.Grain.SubscribeAsync(observer).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken) == ChatState.Ended)
                {
                    if (!chat.HasDelivered(SessionEnd))
                    {
                        chat.EndedUnderfoot = true;
                    }

                    return;
                }
            }
            catch (Exception)
            {
                // Its silo died: the next renewal activates the chat on a live one.
            }

            try
            {
                await Task.Delay(500, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
