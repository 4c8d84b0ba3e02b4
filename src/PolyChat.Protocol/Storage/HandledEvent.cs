namespace PolyChat.Protocol.Storage;

/// <summary>An event the application handled, as the recent-id window stores it.</summary>
/// <param name="Id">The event's <c>id</c>.</param>
/// <param name="Sequence">Its <c>sequence</c>; null for an event the server does not journal.</param>
public readonly record struct HandledEvent(string Id, long? Sequence);
