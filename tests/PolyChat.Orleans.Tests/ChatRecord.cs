using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Orleans.Tests;

/// <summary>What the app saw of one chat: every delivery (with when), every receipt, and how it ended.</summary>
internal sealed class ChatRecord(string chatId, IChatGrain grain)
{
    private readonly object _gate = new();
    private readonly List<(ChatEvent Event, DateTimeOffset At)> _deliveries = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string ChatId { get; } = chatId;

    public IChatGrain Grain { get; } = grain;

    /// <summary>Receipts by client_event_id: the receipt, when the message was first asked for, and when its receipt came.</summary>
    public Dictionary<string, (ChatReceipt? Receipt, DateTimeOffset AcceptedAt, DateTimeOffset AnsweredAt)> Receipts { get; } = new(StringComparer.Ordinal);

    /// <summary>The chat answered that it has ended before its SESSION_END came (a failover after the end reached the server).</summary>
    public volatile bool EndedUnderfoot;

    /// <summary>What the chat answered when it said it had ended.</summary>
    public string? EndedWhy { get; set; }

    /// <summary>How many kills found this chat on the killed silo, and when each was.</summary>
    public List<DateTimeOffset> Failovers { get; } = [];

    public IReadOnlyList<(ChatEvent Event, DateTimeOffset At)> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _deliveries];
            }
        }
    }

    public void Delivered(ChatEvent chatEvent)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _deliveries.Add((chatEvent, DateTimeOffset.UtcNow));
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Waits until the deliveries satisfy <paramref name="done"/>.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<(ChatEvent Event, DateTimeOffset At)>, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (done(_deliveries) || EndedUnderfoot)
                {
                    return;
                }

                changed = _changed.Task;
            }

            // Re-checked now and then: EndedUnderfoot is set without a delivery.
            await changed.WaitAsync(TimeSpan.FromMilliseconds(250), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public bool HasDelivered(string type) => Deliveries.Any(d => d.Event.Type == type);
}
