using System;

namespace PolyChat.Protocol.Storage;

/// <summary>A message accepted for sending and not yet settled, as stored.</summary>
/// <param name="ClientEventId">The <c>client_event_id</c> its echo is matched by.</param>
/// <param name="Frame">The client frame exactly as it is sent on every attempt (JSON).</param>
/// <param name="AcceptedAt">When it was accepted: its schedule and its deadline count from here.</param>
/// <param name="Attempts">How many attempts were counted (each is recorded before it goes out).</param>
public sealed record OutboxEntry(string ClientEventId, string Frame, DateTimeOffset AcceptedAt, int Attempts);
