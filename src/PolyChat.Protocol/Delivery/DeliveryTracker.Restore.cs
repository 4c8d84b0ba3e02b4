using System;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Delivery;

// Messages carried over from a stopped process (a stored session's outbox).
public sealed partial class DeliveryTracker
{
    // Set by Restore until the first replay after it: a restored message whose deadline passed while no process ran may
    // have its echo in that replay, so it waits for it rather than fail unseen.
    private bool _holdingRestoredDeadlines;

    /// <summary>
    /// Tracks a message that an earlier process accepted and did not settle, with its schedule where it stood: its
    /// instants and its deadline count from when it was first accepted, and it is never sent more than the schedule's
    /// attempts in all. Call it while disconnected (<see cref="OnDisconnected"/>), before the first connection: attempts
    /// that fall due are owed to it. A restored message whose deadline has passed waits for that connection's replay
    /// (<see cref="OnReconnectedAsync"/>), which settles it by its echo, or fails it then.
    /// </summary>
    /// <param name="stamped">The event as it was sent, its <c>client_event_id</c> in <c>metadata.custom</c>.</param>
    /// <param name="age">How long ago it was accepted.</param>
    /// <param name="attempts">How many attempts were counted for it.</param>
    /// <returns>The tracked message, <see cref="DeliveryStatus.Sending"/>.</returns>
    internal TrackedMessage Restore(Event stamped, TimeSpan age, int attempts)
    {
        // Stamping again keeps the id the event carries, and checks the event as a send would.
        var copy = ClientEventStamp.Stamp(stamped, out var clientEventId);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var message = new TrackedMessage(clientEventId, copy);
            message.RestoreAttempts(attempts);
            message.AcceptedAt = _schedule.Now - age;
            message.NextAttempt = Math.Min(attempts, _retries.MaxAttempts);
            message.DueAt = message.AcceptedAt + _retries.DueAfter(message.NextAttempt);
            _pending.Add(message);
            _schedule.Request(message.DueAt);
            _holdingRestoredDeadlines = true;
            _schedule.Apply();
            return message;
        }
    }

    /// <summary>The first replay after a restore is in: restored messages it did not settle and whose deadline passed fail now. Under the lock.</summary>
    private void ReleaseRestoredDeadlines()
    {
        if (!_holdingRestoredDeadlines)
        {
            return;
        }

        _holdingRestoredDeadlines = false;
        var now = _schedule.Now;
        for (var node = _pending.First; node is not null;)
        {
            var message = node.Value;
            node = node.Next;
            if (now - message.AcceptedAt >= _retries.Deadline)
            {
                Fail(message);
            }
        }
    }
}
