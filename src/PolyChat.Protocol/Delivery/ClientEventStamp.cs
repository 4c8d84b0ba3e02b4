using System;
using System.Collections.Generic;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// Gives a client event the identity its echo is matched by: <c>metadata.custom.client_event_id</c>
/// (<see cref="DeliveryTracker.ClientEventIdKey"/>), a new GUID unless the caller supplied one.
/// </summary>
internal static class ClientEventStamp
{
    /// <summary>Checks that the event can be tracked and returns the copy the tracker sends, with its id.</summary>
    /// <param name="clientEvent">The caller's event; left unchanged.</param>
    /// <param name="clientEventId">The id the copy carries.</param>
    /// <returns>
    /// The caller's event with the id added to <c>metadata.custom</c> (its other pairs copied, so changing the
    /// caller's dictionary later cannot change what retries send) and no <c>id</c>, <c>sequence</c> or
    /// <c>timestamp</c>, which are the server's to assign.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="clientEvent"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The event is one only the server sends, or one the server never echoes (no receipt could come), or it carries
    /// an empty <c>client_event_id</c>.
    /// </exception>
    public static Event Stamp(Event clientEvent, out string clientEventId)
    {
        ArgumentNullException.ThrowIfNull(clientEvent);
        switch (clientEvent.Direction)
        {
            case EventDirection.Server:
                throw new ArgumentException(
                    $"{clientEvent.Type} is sent only by the server; the server answers a client that sends it with an error.",
                    nameof(clientEvent));
            case EventDirection.Client:
                throw new ArgumentException(
                    $"The server does not echo {clientEvent.Type}, so no receipt would ever arrive; send it directly, without tracking.",
                    nameof(clientEvent));
        }

        const string Key = DeliveryTracker.ClientEventIdKey;
        string? suppliedId = null;
        if (clientEvent.Metadata?.Custom is { } callerCustom && callerCustom.TryGetValue(Key, out suppliedId)
            && string.IsNullOrEmpty(suppliedId))
        {
            throw new ArgumentException($"metadata.custom.{Key} is empty; leave it out and the tracker assigns one.", nameof(clientEvent));
        }

        clientEventId = suppliedId ?? Guid.NewGuid().ToString();
        IReadOnlyDictionary<string, string> custom = clientEvent.Metadata?.Custom is { Count: > 0 } callers
            ? new Dictionary<string, string>(callers, StringComparer.Ordinal) { [Key] = clientEventId }
            : new ClientEventIdOnly(clientEventId);

        var metadata = clientEvent.Metadata is { } existing ? existing with { Custom = custom } : new Metadata { Custom = custom };
        return clientEvent with { Id = null, Sequence = null, Timestamp = null, Metadata = metadata };
    }
}
