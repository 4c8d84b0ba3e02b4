namespace PolyChat.Protocol.Delivery;

/// <summary>One change to a tracked message, raised by <see cref="DeliveryTracker.Updated"/>.</summary>
/// <param name="Message">The message; its properties may have moved on since, the other fields are as of this change.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Status">The message's status right after this change.</param>
/// <param name="Attempts">How many times the message had been handed to the transport right after this change.</param>
public readonly record struct DeliveryUpdate(TrackedMessage Message, DeliveryUpdateKind Kind, DeliveryStatus Status, int Attempts);
