using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Testing.WebSockets;

/// <summary>
/// One WebSocket upgrade request as the endpoint sees it, whatever carries it: the query values, a way to refuse
/// it with an HTTP status, a way to accept it, and a way to drop the transport under the socket. Kestrel and the
/// in-memory transport each adapt their own request to it, so the handshake rules live in one place.
/// </summary>
internal abstract class WebSocketUpgrade
{
    /// <summary>Whether the request asks for a WebSocket at all (Kestrel: the upgrade headers).</summary>
    public abstract bool IsWebSocketRequest { get; }

    /// <summary>The <c>session_id</c> query value, or null.</summary>
    public abstract string? SessionId { get; }

    /// <summary>The <c>access_token</c> query value, or null.</summary>
    public abstract string? AccessToken { get; }

    /// <summary>The <c>cursor</c> query value, or null.</summary>
    public abstract string? Cursor { get; }

    /// <summary>Cancelled when the client goes away.</summary>
    public abstract CancellationToken Aborted { get; }

    /// <summary>Answers the upgrade with a plain HTTP status and text (PROTOCOL.md §5e).</summary>
    public abstract Task RejectAsync(int status, string message);

    /// <summary>Completes the upgrade and returns the server's end of the socket.</summary>
    public abstract Task<WebSocket> AcceptAsync();

    /// <summary>Drops the transport without a close handshake, as a network failure would.</summary>
    public abstract void Abort();
}
