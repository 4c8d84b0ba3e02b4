using Orleans;

namespace PolyChat.Orleans;

/// <summary>A message's final status in a <see cref="ChatReceipt"/>.</summary>
[GenerateSerializer, Alias("PolyChat.Orleans.ChatDeliveryStatus")]
public enum ChatDeliveryStatus
{
    /// <summary>The server echoed the message: the protocol's delivery receipt.</summary>
    Sent = 1,

    /// <summary>The session gave up on it (retries exhausted, the chat ended, the server refused it).</summary>
    Failed = 2,
}
