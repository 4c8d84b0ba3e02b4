using Orleans;

namespace PolyChat.Orleans;

/// <summary>What became of a message sent to a chat (<see cref="IChatGrain.SendMessageAsync"/>): final.</summary>
/// <param name="ClientEventId">The message's <c>client_event_id</c>.</param>
/// <param name="Status">Sent (the server echoed it) or failed.</param>
/// <param name="Attempts">
/// How many times it went out, as the chat's current owner knows: a message it took over from the store counts the
/// earlier owners' attempts too; one an earlier owner already settled as sent shows 0.
/// </param>
/// <param name="FailureReason">Why it failed; null when sent.</param>
[GenerateSerializer, Immutable, Alias("PolyChat.Orleans.ChatReceipt")]
public sealed record ChatReceipt(
    [property: Id(0)] string ClientEventId,
    [property: Id(1)] ChatDeliveryStatus Status,
    [property: Id(2)] int Attempts,
    [property: Id(3)] string? FailureReason);
