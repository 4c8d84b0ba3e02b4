using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;

namespace PolyChat.Orleans.Tests;

/// <summary>
/// The app's one observer for all its chats: records each event and acknowledges it once handled, repeating the
/// acknowledgement while the chat's silo is unreachable (it then reaches the next owner, which commits the event
/// without delivering it again).
/// </summary>
internal sealed class ChatInbox : IChatObserver
{
    public ConcurrentDictionary<string, ChatRecord> Chats { get; } = new(StringComparer.Ordinal);

    public Task OnEventAsync(ChatEvent chatEvent)
    {
        var chat = Chats[chatEvent.ChatId];
        chat.Delivered(chatEvent);
        _ = AcknowledgeAsync(chat, chatEvent.Id);
        return Task.CompletedTask;
    }

    private static async Task AcknowledgeAsync(ChatRecord chat, string eventId)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                await chat.Grain.AcknowledgeAsync(eventId);
                return;
            }
            catch (Exception exception) when (exception is not ChatException { CanRetry: false })
            {
                await Task.Delay(200);
            }
        }
    }
}
