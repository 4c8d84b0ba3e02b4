using System;
using System.Net.WebSockets;
using System.Threading;

namespace PolyChat.Protocol.Client;

/// <summary>
/// One socket of a session and what the session knows about it: whether its history is still being read and whether
/// a replay batch came on it. Made when the socket opens and dropped with it, so nothing of one connection leaks
/// into the next.
/// </summary>
internal sealed class SessionConnection(WebSocket socket, int ordinal, long cursorAtConnect, bool isReconnect, CancellationToken sessionStop) : IDisposable
{
    // Cancelled when the session stops or this connection is dropped on purpose: a receive ends at once, whatever the
    // socket implementation does on Abort.
    private readonly CancellationTokenSource _lifetime = CancellationTokenSource.CreateLinkedTokenSource(sessionStop);

    public WebSocket Socket { get; } = socket;

    /// <summary>1 for the session's first socket, 2 for the next, and so on.</summary>
    public int Ordinal { get; } = ordinal;

    /// <summary>The cursor the socket was opened with: after one, the server may send no batch at all (§4b).</summary>
    public long CursorAtConnect { get; } = cursorAtConnect;

    /// <summary>Whether a connection came before this one: only then are there owed attempts to send.</summary>
    public bool IsReconnect { get; } = isReconnect;

    /// <summary>True until the history has been processed (<c>PolyChatSession.AfterHistoryAsync</c>).</summary>
    public bool InHistory { get; set; } = true;

    /// <summary>Whether a replay batch came on this socket: only then can the replay vouch for holes.</summary>
    public bool BatchSeen { get; set; }

    /// <summary>The highest sequence any replay batch on this socket held: the replay vouches for holes below it.</summary>
    public long ReplayedThrough { get; set; }

    /// <summary>
    /// Whether the history ended by <see cref="SessionOptions.HistoryQuietPeriod"/> rather than by a live frame: weaker
    /// evidence that the replay is complete (a slow server may still be sending batches).
    /// </summary>
    public bool HistoryEndedByQuiet { get; set; }

    /// <summary>Whether any frame came: a productive connection resets the reconnect count.</summary>
    public bool Productive { get; set; }

    /// <summary>
    /// Whether a frame that is not a batch ends the history. After a cursor it does at once; a full history (cursor 0)
    /// always starts with a batch holding SESSION_START (§4a), so until one came, a live frame is taken as ahead of
    /// the replay, not as its end.
    /// </summary>
    public bool LiveFrameEndsHistory => CursorAtConnect > 0 || BatchSeen;

    /// <summary>Ends with the session, or when the connection is dropped.</summary>
    public CancellationToken Token => _lifetime.Token;

    /// <summary>Drops the connection: its receive ends and the socket is aborted; the session reconnects.</summary>
    public void Drop()
    {
        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already gone with its socket.
        }

        Socket.Abort();
    }

    public void Dispose()
    {
        Socket.Dispose();
        _lifetime.Dispose();
    }
}
