using System;
using PolyChat.Protocol.Client;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// A session's outbound messages as the application sees them: how many wait for their echo, how many extra copies
/// the server kept, each message by its <c>client_event_id</c>, and every change as it happens. Read-only: the
/// session itself reports connection changes and received events to its <see cref="DeliveryTracker"/>.
/// </summary>
/// <remarks>Thread-safe; every member may be used from any thread.</remarks>
public sealed class SessionDeliveries
{
    private readonly DeliveryTracker _tracker;
    private EventHandler<DeliveryUpdate>? _updated;

    internal SessionDeliveries(DeliveryTracker tracker, Action<string, Exception> handlerFailed)
    {
        _tracker = tracker;

        // Re-raised with this view as the sender, so a handler is not handed the tracker that drives the session; each
        // handler on its own, so one that throws neither stops the others nor goes unreported.
        _tracker.Updated += (_, update) => AppHandlers.Raise(_updated, this, update, nameof(Updated), handlerFailed);
    }

    /// <summary>
    /// Raised for every change to a message the session sent (see <see cref="DeliveryUpdateKind"/>), with this view
    /// as the sender. Handlers run one at a time, in order, on the thread that made the change or the one already
    /// running handlers; they must be quick and must not block. An exception thrown by a handler is logged (through
    /// <see cref="Client.SessionOptions.Logger"/>) and the session goes on, so that one bad handler cannot stop
    /// delivery tracking or the other handlers. To consume updates as an
    /// <c>IAsyncEnumerable</c>, write them to a <see cref="System.Threading.Channels.Channel{T}"/> here.
    /// </summary>
    public event EventHandler<DeliveryUpdate>? Updated
    {
        add => _updated += value;
        remove => _updated -= value;
    }

    /// <summary>How many messages are <see cref="DeliveryStatus.Sending"/>: waiting for their echo, retrying, or queued while disconnected.</summary>
    public int PendingCount => _tracker.PendingCount;

    /// <summary>
    /// How many extra copies the server kept in total (<see cref="DeliveryUpdateKind.ExtraCopy"/>): each is a message
    /// the server stored once more because a retry reached it as well as an earlier attempt. The session shows each
    /// message to the application once; this counter is where the extra copies show.
    /// </summary>
    public long ExtraCopies => _tracker.ExtraCopies;

    /// <summary>Looks up a pending or recently settled message by its <c>client_event_id</c>.</summary>
    /// <param name="clientEventId">The id (<see cref="TrackedMessage.ClientEventId"/>).</param>
    /// <param name="message">The message, when known.</param>
    /// <returns>Whether the id is pending or still among the recently settled (<see cref="DeliveryOptions.SettledWindow"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clientEventId"/> is null.</exception>
    public bool TryGetMessage(string clientEventId, out TrackedMessage message) => _tracker.TryGetMessage(clientEventId, out message);
}
