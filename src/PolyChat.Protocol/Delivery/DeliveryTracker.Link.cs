using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Delivery;

// The connection and the clock: pausing and resuming with the link, retries when no echo comes, and the end.
public sealed partial class DeliveryTracker
{
    /// <summary>
    /// Reports that the connection dropped (not terminally): attempts that fall due from now on are owed to the next
    /// connection, and messages sent meanwhile are queued. The deadlines keep running: a message whose deadline passes
    /// while disconnected fails then. Pending messages stay <see cref="DeliveryStatus.Sending"/> until their echo,
    /// their deadline, <see cref="OnClosed"/> or <see cref="Dispose"/>.
    /// </summary>
    public void OnDisconnected()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _link.Disconnect();
        }
    }

    /// <summary>
    /// Reports a new connection: sends each pending message that is owed an attempt (one that fell due while
    /// disconnected, or that was accepted meanwhile), one after another in the order they were accepted, and nothing
    /// else: the reconnect by itself adds no send, and each message keeps its schedule and deadline. Messages sent
    /// while this runs go out after them.
    /// </summary>
    /// <returns>How many messages were handed to the transport; fewer if the connection changed again meanwhile.</returns>
    /// <remarks>
    /// Call it once the server's history replay (the <c>EVENT_TYPE_EVENT_BATCH</c> frames that follow a connect)
    /// has been passed to <see cref="OnEventReceived(Event)"/>: a message whose echo is in the replay is then
    /// already sent, and not stored twice by a needless attempt. After the session ended or closed, and after
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

            ReleaseRestoredDeadlines();
        }

        var sent = 0;
        while (true)
        {
            TrackedMessage? next;
            lock (_lock)
            {
                // Another disconnect or reconnect supersedes this one; a newer connection sends what is owed itself.
                if (_link.Connection != connection)
                {
                    break;
                }

                next = _pending.FirstOwed();
                if (next is null)
                {
                    // Checked and switched under one lock, so a message sent now cannot be left queued.
                    _link.FinishReplay();
                    break;
                }

                StartAttempt(next);
            }

            _schedule.Apply();
            _updates.Dispatch();
            await _attempts.SendAsync(next).ConfigureAwait(false);
            sent++;
        }

        _schedule.Apply();
        _updates.Dispatch();
        return sent;
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

    /// <summary>
    /// The timer's wake-up: on each message's instants (see <see cref="RetrySchedule"/>) an attempt goes out, or is
    /// owed to the next connection while the link is down; at its deadline the message fails.
    /// </summary>
    private void OnDue()
    {
        // A timer callback must never throw: on the system timer that would take the process down.
        try
        {
            List<TrackedMessage>? attempts = null;
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                var now = _schedule.Now;
                var next = DeadlineScheduler.Never;
                for (var node = _pending.First; node is not null;)
                {
                    // Taken first: settling the message removes its node from the list.
                    var message = node.Value;
                    node = node.Next;
                    if (message.DueAt > now)
                    {
                        next = Min(next, message.DueAt);
                    }
                    else if (now - message.AcceptedAt >= _retries.Deadline)
                    {
                        if (_holdingRestoredDeadlines)
                        {
                            // Restored past its deadline: the first replay may hold its echo (ReleaseRestoredDeadlines).
                            message.DueAt = DeadlineScheduler.Never;
                            continue;
                        }

                        Fail(message);
                    }
                    else if (message.NextAttempt >= _retries.MaxAttempts)
                    {
                        // Every instant has passed: only the deadline is left.
                        message.DueAt = message.AcceptedAt + _retries.Deadline;
                        next = Min(next, message.DueAt);
                    }
                    else
                    {
                        // An instant has come (or a transient error's attempt, which takes the next instant's place).
                        // A clock that jumped past several (a suspended machine) gives one attempt, not a burst.
                        var elapsed = now - message.AcceptedAt;
                        message.NextAttempt++;
                        while (message.NextAttempt < _retries.MaxAttempts && _retries.DueAfter(message.NextAttempt) <= elapsed)
                        {
                            message.NextAttempt++;
                        }

                        ScheduleNext(message);
                        if (_link.SendsGoOut)
                        {
                            // Counted when it is handed over: the link may drop before that, and then it is owed.
                            (attempts ??= new List<TrackedMessage>()).Add(message);
                        }
                        else
                        {
                            // Down, or a new connection still sending what is owed: one attempt is owed to it.
                            message.Owed = true;
                        }

                        next = Min(next, message.DueAt);
                    }
                }

                _schedule.Reset(next);
            }

            _schedule.Apply();
            _updates.Dispatch();
            if (attempts is not null)
            {
                _ = SendAttemptsAsync(attempts);
            }
        }
        catch (Exception exception) when (CallbackGuard.IsRecoverable(exception))
        {
            // Only a broken TimeProvider gets here; the next send or timer wake-up recomputes the schedule.
        }
    }

    /// <summary>A message whose deadline passed without an echo. Under the lock.</summary>
    private void Fail(TrackedMessage message) =>
        Settle(
            message,
            DeliveryStatus.Failed,
            echo: null,
            DeliveryFailure.RetriesExhausted,
            message.LastServerError is { } last
                ? $"No echo from the server after {message.Attempts} attempts; its last error was \"{last}\"."
                : $"No echo from the server after {message.Attempts} attempts.");

    private async Task SendAttemptsAsync(List<TrackedMessage> attempts)
    {
        // One after another, so attempts leave in the order the messages were accepted.
        foreach (var message in attempts)
        {
            lock (_lock)
            {
                if (message.Status != DeliveryStatus.Sending)
                {
                    continue;
                }

                if (!_link.SendsGoOut)
                {
                    // The link dropped before the attempt left: the next connection sends it.
                    message.Owed = true;
                    continue;
                }

                CountAttempt(message);
            }

            _updates.Dispatch();
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
