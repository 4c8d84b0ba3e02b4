using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace PolyChat.Testing.WebSockets;

/// <summary>An upgrade request that arrived over HTTP through Kestrel.</summary>
internal sealed class KestrelUpgrade : WebSocketUpgrade
{
    private readonly HttpContext _context;

    public KestrelUpgrade(HttpContext context) => _context = context;

    public override bool IsWebSocketRequest => _context.WebSockets.IsWebSocketRequest;

    public override string? SessionId => _context.Request.Query["session_id"];

    public override string? AccessToken => _context.Request.Query["access_token"];

    public override string? Cursor => _context.Request.Query["cursor"];

    public override CancellationToken Aborted => _context.RequestAborted;

    public override Task RejectAsync(int status, string message)
    {
        _context.Response.StatusCode = status;
        _context.Response.ContentType = "text/plain";
        return _context.Response.WriteAsync(message, _context.RequestAborted);
    }

    public override Task<WebSocket> AcceptAsync() => _context.WebSockets.AcceptWebSocketAsync();

    public override void Abort() => _context.Abort();
}
