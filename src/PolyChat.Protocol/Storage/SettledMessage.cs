using PolyChat.Protocol.Delivery;

namespace PolyChat.Protocol.Storage;

/// <summary>A message that left the outbox, as stored: its id stays known for a while, so a send repeated after a restart is not a second message.</summary>
/// <param name="ClientEventId">Its <c>client_event_id</c>.</param>
/// <param name="Status"><see cref="DeliveryStatus.Sent"/> or <see cref="DeliveryStatus.Failed"/>.</param>
public readonly record struct SettledMessage(string ClientEventId, DeliveryStatus Status);
