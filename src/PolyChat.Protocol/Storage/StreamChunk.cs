namespace PolyChat.Protocol.Storage;

/// <summary>A handled chunk of a streamed reply that was still open, as stored so a resumed session can finish assembling it.</summary>
/// <param name="MessageId">The reply's <c>message_id</c>.</param>
/// <param name="Frame">The chunk event (JSON).</param>
public readonly record struct StreamChunk(string MessageId, string Frame);
