using PolyChat.Protocol.Events;

namespace PolyChat.Simulator.WebSockets;

/// <summary>One item of a socket's send queue.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Event">The event to send (null for <see cref="OutboundKind.Close"/>).</param>
internal readonly record struct OutboundFrame(OutboundKind Kind, Event? Event);

/// <summary>The kinds of <see cref="OutboundFrame"/>.</summary>
internal enum OutboundKind
{
    /// <summary>A history replay batch: never subject to faults.</summary>
    Replay,

    /// <summary>A live event: subject to faults.</summary>
    Live,

    /// <summary>Close the socket with 1000 after everything before it was sent.</summary>
    Close,
}
