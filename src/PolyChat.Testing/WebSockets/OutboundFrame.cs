using System;
using System.Net.WebSockets;
using PolyChat.Protocol.Events;

namespace PolyChat.Testing.WebSockets;

/// <summary>One item of a socket's send queue.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Event">The live event to send (<see cref="OutboundKind.Live"/> and <see cref="OutboundKind.AsIs"/> only).</param>
/// <param name="Raw">The replay batch's bytes (<see cref="OutboundKind.Replay"/> only).</param>
/// <param name="CloseStatus">The close code (<see cref="OutboundKind.Close"/> only).</param>
/// <param name="CloseReason">The close reason (<see cref="OutboundKind.Close"/> only).</param>
internal readonly record struct OutboundFrame(
    OutboundKind Kind,
    Event? Event,
    ReadOnlyMemory<byte> Raw = default,
    WebSocketCloseStatus CloseStatus = WebSocketCloseStatus.NormalClosure,
    string? CloseReason = null);

/// <summary>The kinds of <see cref="OutboundFrame"/>.</summary>
internal enum OutboundKind
{
    /// <summary>A history replay batch, already serialised: never subject to faults.</summary>
    Replay,

    /// <summary>A live event: subject to faults.</summary>
    Live,

    /// <summary>A live event sent exactly as it is, past the faults (a repeated echo).</summary>
    AsIs,

    /// <summary>Close the socket after everything before it was sent.</summary>
    Close,

    /// <summary>Abort the socket without a close handshake, as a network loss would.</summary>
    Drop,
}
