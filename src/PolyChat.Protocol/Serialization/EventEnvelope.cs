using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;

namespace PolyChat.Protocol.Serialization;

/// <summary>
/// The envelope of a frame (<c>id</c>, <c>sequence</c>, <c>type</c>), read by
/// <see cref="PolyChatJson.PeekEnvelope"/> without materializing the payload.
/// </summary>
/// <param name="Id">The event id, or <see cref="EventKey.IsEmpty"/> when the frame has none.</param>
/// <param name="Sequence">The sequence; null for transient events and frames without one.</param>
/// <param name="Type">The wire type. Known types are shared instances, so peeking them allocates nothing.</param>
public readonly record struct EventEnvelope(EventKey Id, long? Sequence, EventType Type)
{
    /// <summary>Whether the frame is an <c>EVENT_TYPE_EVENT_BATCH</c>, whose inner events carry the real envelopes.</summary>
    public bool IsBatch => Type == EventType.EventBatch;
}
