using PolyChat.Protocol.Sequencing;
namespace PolyChat.Protocol.Receiving;

/// <summary>
/// An event the <see cref="EventReceiver"/> could not read, with where it was: a whole frame, or one inner event of an
/// <c>EVENT_TYPE_EVENT_BATCH</c> whose other events were delivered.
/// </summary>
/// <param name="Error">
/// Why and where: <see cref="System.Text.Json.JsonException.Path"/> is the path in the frame, e.g.
/// <c>$.payload.events[1].payload.text</c>, and <see cref="PolyChatJsonException.BytePosition"/> the offset in the frame.
/// </param>
/// <param name="BatchIndex">The event's index in <c>payload.events</c>; null when the whole frame was rejected.</param>
/// <param name="Id">The event's <c>id</c> when its envelope could be read; <c>default</c> otherwise.</param>
/// <param name="Sequence">
/// The event's <c>sequence</c> when its envelope could be read. Such a sequence counts as consumed, not as a gap: the
/// server did send it, it was only unreadable.
/// </param>
public readonly record struct RejectedEvent(PolyChatJsonException Error, int? BatchIndex, EventKey Id, long? Sequence);
