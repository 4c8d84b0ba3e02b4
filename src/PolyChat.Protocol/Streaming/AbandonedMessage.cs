namespace PolyChat.Protocol.Streaming;

/// <summary>A streamed message given up before completion, with what had been assembled.</summary>
/// <param name="Message">The partial message: its text holds the chunks applied in order before the gap.</param>
/// <param name="Reason">Why it was given up.</param>
public readonly record struct AbandonedMessage(StreamingMessage Message, AbandonReason Reason);
