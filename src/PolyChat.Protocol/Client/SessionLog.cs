using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Streaming;

namespace PolyChat.Protocol.Client;

/// <summary>
/// What a session logs. Messages carry the session id, cursor and counts, never the access token or the
/// WebSocket URL (whose query holds it).
/// </summary>
internal static partial class SessionLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Connected to session {SessionId} with cursor {Cursor}")]
    public static partial void Connected(ILogger logger, string sessionId, long cursor);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Connection lost (close status {CloseStatus}); reconnect attempt {Attempt} with cursor {Cursor}")]
    public static partial void Reconnecting(ILogger logger, WebSocketCloseStatus? closeStatus, int attempt, long cursor);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Events held behind a missing sequence after cursor {Cursor}; reconnecting for a replay")]
    public static partial void RepairingGap(ILogger logger, long cursor);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Dropped an invalid frame: {Reason} (at {Path}, byte {Position})")]
    public static partial void InvalidFrame(ILogger logger, string reason, string? path, long position);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Sequences {FirstMissing}..{LastMissing} were lost ({Reason})")]
    public static partial void GapDeclared(ILogger logger, long firstMissing, long lastMissing, GapReason reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "The session ended: {Reason}")]
    public static partial void Failed(ILogger logger, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "The session {SessionId} closed normally at cursor {Cursor}")]
    public static partial void Closed(ILogger logger, string sessionId, long cursor);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "The replay lacks sequences {FirstMissing}..{LastMissing}: the server never assigned them; moving past")]
    public static partial void SequencesSkipped(ILogger logger, long firstMissing, long lastMissing);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "The session {SessionId} ended ({Reason}); closing the socket")]
    public static partial void Ended(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The server refused the access token (401); asking the AccessTokenProvider for a fresh one")]
    public static partial void RenewingToken(ILogger logger);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Streamed message {MessageId} was given up ({Reason}) after {TextLength} chars")]
    public static partial void MessageAbandoned(ILogger logger, string messageId, AbandonReason reason, int textLength);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "A handler of {EventName} threw; the session goes on")]
    public static partial void HandlerFailed(ILogger logger, System.Exception exception, string eventName);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "The server's heartbeat interval of {Seconds} s is beyond what a timer can wait; no heartbeat is sent")]
    public static partial void HeartbeatBeyondTimer(ILogger logger, long seconds);
}
