using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Events;

namespace PolyChat.Orleans;

// Events to the application: one in hand at a time, delivered to the observer, committed when acknowledged.
internal sealed partial class ChatGrain
{
    // Acknowledgements that came before their event was in hand (repeated after a failover); a few suffice.
    private const int EarlyAcknowledgementLimit = 16;

    private readonly Queue<string> _earlyAcknowledgements = new();
    private IChatObserver? _observer;
    private ChatEvent? _inHand;
    private TaskCompletionSource? _acknowledged;

    // The observer that took the event in hand, and when: it is not offered to it again unless unacknowledged too long.
    private IChatObserver? _deliveredTo;
    private long _deliveredAt;
    private bool _pushing;
    private long _standIns;

    public Task<ChatState> SubscribeAsync(IChatObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (_state == ChatState.Live && !observer.Equals(_observer))
        {
            // A new observer (the application lost its old one): it gets the event in hand.
            _observer = observer;
            _deliveredTo = null;
        }

        if (_state == ChatState.Live)
        {
            _ = PushAsync();
        }

        return Task.FromResult(_state);
    }

    public Task AcknowledgeAsync(string eventId)
    {
        if (string.IsNullOrEmpty(eventId))
        {
            throw new ChatException("The event id to acknowledge is empty.", canRetry: false);
        }

        if (_inHand is { } inHand && inHand.Id == eventId)
        {
            _acknowledged!.TrySetResult();
            return Task.CompletedTask;
        }

        if (!_earlyAcknowledgements.Contains(eventId))
        {
            _earlyAcknowledgements.Enqueue(eventId);
            if (_earlyAcknowledgements.Count > EarlyAcknowledgementLimit)
            {
                _earlyAcknowledgements.Dequeue();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Takes the session's events one at a time. Asking the session for the next event commits the one before it as
    /// handled, so the store's cursor never passes an event the application has not acknowledged: after a failover the
    /// next owner delivers the event in hand again, and nothing else.
    /// </summary>
    private async Task DeliverAsync(PolyChatSession session, CancellationToken stopping)
    {
        await using var events = session.ReadEventsAsync(stopping).GetAsyncEnumerator(stopping);
        while (await events.MoveNextAsync())
        {
            if (stopping.IsCancellationRequested)
            {
                // Taken while leaving: never delivered here, so it stays uncommitted and the next owner delivers it.
                return;
            }

            var chatEvent = ToChatEvent(events.Current);
            if (TakeEarlyAcknowledgement(chatEvent.Id))
            {
                // Handled before this owner took it back (its acknowledgement outlived a failover): committed with the next.
                continue;
            }

            var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _acknowledged = acknowledged;
            _inHand = chatEvent;
            _deliveredTo = null;
            _ = PushAsync();
            try
            {
                await acknowledged.Task.WaitAsync(stopping);
            }
            finally
            {
                _inHand = null;
            }
        }
    }

    private bool TakeEarlyAcknowledgement(string eventId)
    {
        if (!_earlyAcknowledgements.Contains(eventId))
        {
            return false;
        }

        var kept = _earlyAcknowledgements.Count;
        for (var i = 0; i < kept; i++)
        {
            var id = _earlyAcknowledgements.Dequeue();
            if (id != eventId)
            {
                _earlyAcknowledgements.Enqueue(id);
            }
        }

        return true;
    }

    /// <summary>Delivers the event in hand to the observer unless it has it; one delivery runs at a time.</summary>
    private async Task PushAsync()
    {
        if (_pushing)
        {
            return;
        }

        _pushing = true;
        try
        {
            while (_inHand is { } chatEvent && _observer is { } observer && !observer.Equals(_deliveredTo) && !_stopping.IsCancellationRequested)
            {
                try
                {
                    await observer.OnEventAsync(chatEvent);
                }
                catch (Exception exception)
                {
                    // The application's client is gone or its gateway died: offered again on its next subscription or tick.
                    ChatLog.ObserverUnreachable(_logger, exception, _chatId, chatEvent.Id);
                    return;
                }

                if (ReferenceEquals(_inHand, chatEvent))
                {
                    _deliveredTo = observer;
                    _deliveredAt = Stopwatch.GetTimestamp();
                }
            }
        }
        finally
        {
            _pushing = false;
        }
    }

    /// <summary>Offers the event in hand again when its observer could not be reached, or has not acknowledged it for too long.</summary>
    private void OfferAgainIfUnanswered()
    {
        if (_inHand is null || _state != ChatState.Live)
        {
            return;
        }

        if (_deliveredTo is not null && Stopwatch.GetElapsedTime(_deliveredAt) > _options.AcknowledgementTimeout)
        {
            _deliveredTo = null;
        }

        _ = PushAsync();
    }

    private ChatEvent ToChatEvent(Event value)
    {
        // Server events carry an id; a stand-in keeps the acknowledgement key unique for any that does not.
        var id = value.Id ?? (value.Sequence is { } sequence
            ? "sequence:" + sequence.ToString(CultureInfo.InvariantCulture)
            : "local:" + (++_standIns).ToString(CultureInfo.InvariantCulture));
        return new ChatEvent(_chatId, id, value.Sequence, value.Type.Value, PolyChatJson.Write(value));
    }
}
