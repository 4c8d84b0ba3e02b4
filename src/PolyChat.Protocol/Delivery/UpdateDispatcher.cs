using System;
using System.Collections.Generic;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// Raises <see cref="DeliveryUpdate"/>s to their handlers one at a time and in the order they were queued, never
/// while the caller holds a lock of its own: changes are queued with <see cref="Enqueue"/> (under the owner's lock,
/// so the queue has the order of the changes) and raised by <see cref="Dispatch"/> (outside it).
/// </summary>
/// <remarks>
/// One thread dispatches at a time; a thread that queues updates while another dispatches leaves them to it, so
/// handlers never run concurrently or out of order, and a handler that calls back into the owner (say, to send)
/// does not recurse. The queue holds more than a few updates only while a slow handler runs and other threads go on
/// changing messages; it is drained as soon as that handler returns.
/// </remarks>
internal sealed class UpdateDispatcher(object sender)
{
    // Also the lock for _dispatching: one object fewer per tracker, and the queue never escapes this type.
    private readonly Queue<DeliveryUpdate> _queue = new();
    private bool _dispatching;

    /// <summary>The handlers; an update queued while there are none is dropped, so an unobserved tracker queues nothing.</summary>
    public event EventHandler<DeliveryUpdate>? Handlers;

    /// <summary>Queues an update for the next <see cref="Dispatch"/>, when anyone is listening.</summary>
    public void Enqueue(in DeliveryUpdate update)
    {
        if (Handlers is null)
        {
            return;
        }

        lock (_queue)
        {
            _queue.Enqueue(update);
        }
    }

    /// <summary>Raises every queued update, unless another thread is already doing so. Call it holding no lock.</summary>
    public void Dispatch()
    {
        lock (_queue)
        {
            if (_dispatching || _queue.Count == 0)
            {
                return;
            }

            _dispatching = true;
        }

        while (true)
        {
            DeliveryUpdate update;
            lock (_queue)
            {
                if (!_queue.TryDequeue(out update))
                {
                    _dispatching = false;
                    return;
                }
            }

            try
            {
                Handlers?.Invoke(sender, update);
            }
            catch (Exception exception) when (CallbackGuard.IsRecoverable(exception))
            {
                // Documented on DeliveryTracker.Updated: a handler's failure must not stop tracking or kill the timer thread.
            }
        }
    }
}
