using Orleans;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;

namespace PolyChat.Orleans;

/// <summary>
/// A chat's event as it crosses the cluster: the event's frame as JSON (PolyChat's event types are not Orleans types),
/// with what an application needs to acknowledge and order it without reading it.
/// </summary>
/// <param name="ChatId">The chat (PolyAI session id).</param>
/// <param name="Id">
/// The event's <c>id</c>, the key to acknowledge it by (<see cref="IChatGrain.AcknowledgeAsync"/>) and to recognise it
/// when it comes again; an assembled streamed reply's is <c>assembled:&lt;message_id&gt;</c>.
/// </param>
/// <param name="Sequence">The event's <c>sequence</c>, when it has one.</param>
/// <param name="Type">The event type, e.g. <c>EVENT_TYPE_POLY_AGENT_MESSAGE</c>.</param>
/// <param name="Json">The event as a PolyAI frame; <see cref="Read"/> gives the typed event.</param>
[GenerateSerializer, Immutable, Alias("PolyChat.Orleans.ChatEvent")]
public sealed record ChatEvent(
    [property: Id(0)] string ChatId,
    [property: Id(1)] string Id,
    [property: Id(2)] long? Sequence,
    [property: Id(3)] string Type,
    [property: Id(4)] string Json)
{
    /// <summary>The typed event.</summary>
    /// <returns>The event, as <see cref="PolyChatJson.Read(string)"/> reads <see cref="Json"/>.</returns>
    public Event Read() => PolyChatJson.Read(Json);
}
