using System;
using System.Net.WebSockets;

namespace PolyChat.Protocol.Client;

/// <summary>The session cannot go on: the server rejected it, or reconnecting failed too many times.</summary>
public sealed class SessionClosedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the session ended.</param>
    /// <param name="closeStatus">The last WebSocket close status, if the server sent one.</param>
    /// <param name="inner">The last failure.</param>
    public SessionClosedException(string message, WebSocketCloseStatus? closeStatus, Exception? inner = null)
        : base(message, inner) => CloseStatus = closeStatus;

    /// <summary>The last WebSocket close status, if the server sent one (4001 means: create a new session).</summary>
    public WebSocketCloseStatus? CloseStatus { get; }
}
