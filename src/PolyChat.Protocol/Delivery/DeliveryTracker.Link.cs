using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol;

// The connection and the clock: pausing and resuming with the link, retries when no echo comes, and the end.
public sealed partial class DeliveryTracker
{
    /// <summary>
    /// Reports that the connection dropped (not terminally): retries pause, since each would only fail, and messages
    /// sent meanwhile are queued. Pending messages stay <see cref="DeliveryStatus.Sending"/> until
    /// <see cref="OnReconnectedAsync"/>, <see cref="OnClosed"/> or <see cref="Dispose"/>.
    /// </summary>
    public void OnDisconnected()
    {
        lock (_lock)
        {
            if (_disposed || !_link.Disconnect())
            {
                return;
            }

            _schedule.Reset(DeadlineScheduler.Never);
        }

        _schedule.Apply();
    }

    /// <summary>
    /// Reports a new connection: re-sends every pending message, one after another in the order they were first
    /// sent, each with its retry count started again. Messages sent while this runs go out after them.
    /// </summary>
    /// <returns>How many messages were handed to the transport; fewer if the connection changed again meanwhile.</returns>
    /// <remarks>
    /// Call it once the server's history replay (the <c>EVENT_TYPE_EVENT_BATCH</c> frames that follow a connect)
    /// has been passed to <see cref="OnEventReceived(Event)"/>: a message whose echo is in the replay is then
    /// already sent, and not stored twice by a needless re-send. After the session ended or closed, and after
    /// <see cref="Dispose"/>, it does nothing.
    /// </remarks>
    public async ValueTask<int> OnReconnectedAsync()
    {
        long connection;
        lock (_lock)
        {
            if (_disposed || !_link.BeginReplay(out connection))
            {
                return 0;
            }

            _schedule.Reset(DeadlineScheduler.Never);
        }

        var resent = 0;
        while (true)
        {
            TrackedMessage? next;
            lock (_lock)
            {
                // Another disconnect or reconnect supersedes this replay; a newer one re-sends everything itself.
                if (_link.Connection != connection)
                {
                    break;
                }

                next = _pending.FirstNotSentOn(connection);
                if (next is null)
                {
                    // Checked and switched under one lock, so a message sent now cannot be left queued.
                    _link.FinishReplay();
                    break;
                }

                Arm(next, connection);
            }

            _schedule.Apply();
            _updates.Dispatch();
            await _attempts.SendAsync(next).ConfigureAwait(false);
            resent++;
        }

        _schedule.Apply();
        _updates.Dispatch();
        return resent;
    }

    /// <summary>
    /// Reports a terminal close (no reconnect will follow, e.g. close code 1000 or the reconnect attempts ran out):
    /// every pending message fails with <see cref="DeliveryFailure.ConnectionClosed"/> and the reason, and later
    /// sends fail at once.
    /// </summary>
    /// <param name="reason">Why the connection closed, shown as each message's <see cref="TrackedMessage.FailureReason"/>.</param>
    /// <returns>How many pending messages failed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reason"/> is null.</exception>
    public int OnClosed(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return End(DeliveryFailure.ConnectionClosed, reason);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private int End(DeliveryFailure failure, string reason)
    {
        int failed;
        lock (_lock)
        {
            if (_disposed || _link.IsEnded)
            {
                return 0;
            }

            failed = EndLocked(failure, reason);
        }

        _schedule.Apply();
        _updates.Dispatch();
        return failed;
    }

    private int EndLocked(DeliveryFailure failure, string reason)
    {
        _link.End(failure, reason);
        _schedule.Reset(DeadlineScheduler.Never);
        var failed = 0;
        while (_pending.First is { } node)
        {
            Settle(node.Value, DeliveryStatus.Failed, echo: null, failure, reason);
            failed++;
        }

        return failed;
    }

    /// <summary>The timer's wake-up: re-sends what is due on the §2 schedule and fails what ran out of retries.</summary>
    private void OnDue()
    {
        // A timer callback must never throw: on the system timer that would take the process down.
        try
        {
            List<TrackedMessage>? retries = null;
            long connection;
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                connection = _link.Connection;
                var now = _schedule.Now;
                var next = DeadlineScheduler.Never;
                for (var node = _pending.First; node is not null;)
                {
                    // Taken first: settling the message removes its node from the list.
                    var message = node.Value;
                    node = node.Next;
                    if (!_link.RetriesRunOn(message.Connection))
                    {
                        continue;
                    }

                    if (message.DueAt > now)
                    {
                        next = Min(next, message.DueAt);
                    }
                    else if (_retries.IsExhausted(message.RetriesOnConnection))
                    {
                        Settle(
                            message,
                            DeliveryStatus.Failed,
                            echo: null,
                            DeliveryFailure.RetriesExhausted,
                            message.LastServerError is { } last
                                ? $"No echo from the server after {message.Attempts} attempts; its last error was \"{last}\"."
                                : $"No echo from the server after {message.Attempts} attempts.");
                    }
                    else
                    {
                        // §2's receipt algorithm (see RetrySchedule): retries at 5, 10 and 20 s, failed at 35 s.
                        message.RetriesOnConnection++;
                        message.CountAttempt();
                        message.DueAt = now + _retries.WaitAfter(message.RetriesOnConnection);
                        next = Min(next, message.DueAt);
                        Report(message, DeliveryUpdateKind.Sending);
                        (retries ??= new List<TrackedMessage>()).Add(message);
                    }
                }

                _schedule.Reset(next);
            }

            _schedule.Apply();
            _updates.Dispatch();
            if (retries is not null)
            {
                _ = SendRetriesAsync(retries, connection);
            }
        }
        catch (Exception exception) when (CallbackGuard.IsRecoverable(exception))
        {
            // Only a broken TimeProvider gets here; the next send or timer wake-up recomputes the schedule.
        }
    }

    private async Task SendRetriesAsync(List<TrackedMessage> retries, long connection)
    {
        // One after another, so retries leave in the order the messages were first sent.
        foreach (var message in retries)
        {
            lock (_lock)
            {
                // A reconnect since re-sends it itself; a settled message needs nothing more.
                if (_link.Connection != connection || message.Status != DeliveryStatus.Sending)
                {
                    continue;
                }
            }

            await _attempts.SendAsync(message).ConfigureAwait(false);
        }
    }

    /// <summary>An attempt did not go out: recorded on the message, and the schedule retries.</summary>
    private void RecordSendError(TrackedMessage message, Exception exception)
    {
        lock (_lock)
        {
            if (_disposed || message.Status != DeliveryStatus.Sending)
            {
                return;
            }

            message.RecordSendError(exception);
            Report(message, DeliveryUpdateKind.AttemptFailed);
        }

        _updates.Dispatch();
    }
}
