using System.Collections.Generic;

namespace PolyChat.Testing.Probing;

/// <summary>The ids of the points a probe report covers, in report order.</summary>
public static class ProbePointIds
{
    /// <summary>The capabilities in <c>SESSION_START</c>.</summary>
    public const string Capabilities = "capabilities";

    /// <summary>One replay batch or several, and how large.</summary>
    public const string HistoryBatches = "history-batches";

    /// <summary>An empty batch, or none, when nothing is newer than the cursor.</summary>
    public const string EmptyBatch = "empty-batch";

    /// <summary><c>SESSION_START</c> again at the head of a cursor replay.</summary>
    public const string SessionStartOnResume = "session-start-on-resume";

    /// <summary>What a cursor beyond the last sequence gets.</summary>
    public const string CursorBeyondEnd = "cursor-beyond-end";

    /// <summary>Whether sequences are contiguous.</summary>
    public const string SequenceContiguity = "sequence-contiguity";

    /// <summary>Whether the batch wrapper has an id, sequence or timestamp of its own.</summary>
    public const string BatchWrapper = "batch-wrapper";

    /// <summary>Whether heartbeat echoes carry a sequence.</summary>
    public const string HeartbeatEchoSequence = "heartbeat-echo-sequence";

    /// <summary>Whether error system messages carry a sequence.</summary>
    public const string ErrorSequence = "error-sequence";

    /// <summary>Whether <c>metadata.custom</c> survives in the replay.</summary>
    public const string MetadataInReplay = "metadata-in-replay";

    /// <summary>Whether the replay holds a streamed reply's chunks or one merged message.</summary>
    public const string StreamedReplay = "streamed-replay";

    /// <summary>Whether a message is echoed before an agent-side error about it.</summary>
    public const string EchoBeforeAgentError = "echo-before-agent-error";

    /// <summary>What happens to a message whose socket drops before its echo.</summary>
    public const string DroppedBeforeEcho = "dropped-before-echo";

    /// <summary>Whether a re-sent message (same client_event_id) is kept twice.</summary>
    public const string DuplicateClientEventId = "duplicate-client-event-id";

    /// <summary>What an oversized frame gets.</summary>
    public const string OversizedFrame = "oversized-frame";

    /// <summary>The simultaneous connections allowed per session.</summary>
    public const string ConnectionLimit = "connection-limit";

    /// <summary>What the socket gets when the user ends the session.</summary>
    public const string SessionEnd = "session-end";

    /// <summary>What a reconnect to an ended session gets.</summary>
    public const string EndedSessionHandshake = "ended-session-handshake";

    /// <summary>What a reconnect to an expired session gets.</summary>
    public const string ExpiredSession = "expired-session";

    /// <summary>Whether the server drops sockets without a close frame.</summary>
    public const string AbruptDrops = "abrupt-drops";

    /// <summary>Whether replayed events can lack documented payload fields.</summary>
    public const string ReplayShapes = "replay-shapes";

    /// <summary>Every id, in report order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Capabilities, HistoryBatches, EmptyBatch, SessionStartOnResume, CursorBeyondEnd, SequenceContiguity, BatchWrapper,
        HeartbeatEchoSequence, ErrorSequence, MetadataInReplay, StreamedReplay, EchoBeforeAgentError, DroppedBeforeEcho,
        DuplicateClientEventId, OversizedFrame, ConnectionLimit, SessionEnd, EndedSessionHandshake, ExpiredSession, AbruptDrops,
        ReplayShapes,
    ];
}
