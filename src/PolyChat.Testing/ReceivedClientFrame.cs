using System;
using PolyChat.Protocol.Events;

namespace PolyChat.Testing;

/// <summary>One frame a client sent to a session, as the simulator received and judged it.</summary>
/// <param name="Connection">The socket it came on: 1 for the session's first accepted socket, 2 for the next, and so on.</param>
/// <param name="Json">The frame's text; empty for an <see cref="ClientFrameFlags.Oversized"/> frame, which is never read.</param>
/// <param name="Type">The <c>type</c> as sent, or null when there was none.</param>
/// <param name="Flags">What was wrong or notable about it.</param>
/// <param name="ClientEventId">Its <c>metadata.custom.client_event_id</c>, or null.</param>
/// <param name="Error">The SYSTEM_MESSAGE error it was answered with, or null when it was accepted.</param>
/// <param name="Echo">The echo the server sent for it (with id, sequence and timestamp), or null.</param>
/// <param name="ReceivedAt">When it arrived, by the simulator's clock.</param>
public sealed record ReceivedClientFrame(
    int Connection,
    string Json,
    string? Type,
    ClientFrameFlags Flags,
    string? ClientEventId,
    string? Error,
    Event? Echo,
    DateTimeOffset ReceivedAt);
