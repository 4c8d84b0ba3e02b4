using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;

namespace PolyChat.Orleans;

// Messages to the chat: stored, sent, and answered with their receipt; idempotent under their client_event_id.
internal sealed partial class ChatGrain
{
    // Receipts this owner gave: a send repeated under one of these ids is answered, never sent again.
    private const int ReceiptLimit = 1024;

    private readonly Dictionary<string, ChatReceipt> _receipts = new(StringComparer.Ordinal);
    private readonly Queue<string> _receiptOrder = new();

    public Task<ChatReceipt> SendMessageAsync(string clientEventId, string text)
    {
        if (text is null)
        {
            throw new ChatException("The message text is null.", canRetry: false);
        }

        return SendAsync(clientEventId, new UserMessageEvent(new UserMessagePayload { Text = text }));
    }

    public Task<ChatReceipt> EndAsync(string clientEventId) =>
        SendAsync(clientEventId, new UserEndSessionEvent(new UserEndSessionPayload()));

    private async Task<ChatReceipt> SendAsync(string clientEventId, Event clientEvent)
    {
        if (string.IsNullOrEmpty(clientEventId))
        {
            throw new ChatException("The client_event_id is empty: choose one per message, so that the send can be repeated safely.", canRetry: false);
        }

        if (_receipts.TryGetValue(clientEventId, out var known))
        {
            return known;
        }

        if (_state == ChatState.Ended)
        {
            throw new ChatException($"Chat {_chatId} has ended.", canRetry: false);
        }

        var session = await _ready.Task;
        if (_failedBefore.Contains(clientEventId))
        {
            return Remember(new ChatReceipt(clientEventId, ChatDeliveryStatus.Failed, 0, "An earlier owner of the chat gave up on it."));
        }

        TrackedMessage message;
        try
        {
            message = await session.SendAsync(clientEvent with
            {
                Metadata = new Metadata { Custom = new Dictionary<string, string> { [DeliveryTracker.ClientEventIdKey] = clientEventId } },
            });
        }
        catch (Exception exception) when (exception is not ChatException)
        {
            // The library's exceptions are not Orleans types: the message crosses, the type does not. Only an invalid
            // message is refused for good; a store or session failure (this owner stopping, its store unreachable, too
            // many messages pending) may pass, here or at the next owner.
            throw new ChatException($"Chat {_chatId} could not take {clientEventId}: {exception.Message}", canRetry: exception is not ArgumentException);
        }

        var status = await message.Completion;
        if (status == DeliveryStatus.Failed && (message.Failure == DeliveryFailure.Disposed || _stopping.IsCancellationRequested))
        {
            // Failed only here: this owner let go of the chat, and the message waits in the outbox for the next owner.
            throw new ChatException($"Chat {_chatId} is moving to another silo; repeat the send with the same id for its receipt.", canRetry: true);
        }

        return Remember(new ChatReceipt(
            clientEventId,
            status == DeliveryStatus.Sent ? ChatDeliveryStatus.Sent : ChatDeliveryStatus.Failed,
            message.Attempts,
            status == DeliveryStatus.Sent ? null : message.FailureReason));
    }

    private ChatReceipt Remember(ChatReceipt receipt)
    {
        if (_receipts.TryAdd(receipt.ClientEventId, receipt))
        {
            _receiptOrder.Enqueue(receipt.ClientEventId);
            if (_receiptOrder.Count > ReceiptLimit)
            {
                _receipts.Remove(_receiptOrder.Dequeue());
            }
        }

        return receipt;
    }

    /// <summary>Sends waiting for the session to start are answered: the chat ended, or is moving.</summary>
    private void FailWaitingSends(ChatException reason) => _ready.TrySetException(reason);
}
