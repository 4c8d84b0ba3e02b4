using System;
using System.Net;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.WebUtilities;
using PolyChat.Protocol.Client;
using PolyChat.Testing.WebSockets;

namespace PolyChat.Testing.InMemory;

/// <summary>
/// An upgrade request made in memory: the query of the address the client dialled, and an outcome the connector
/// awaits, either the client's end of a fresh socket pair or the refusal as a <see cref="PolyChatApiException"/>
/// with the HTTP status, which is how a real handshake's refusal reaches the session.
/// </summary>
internal sealed class InMemoryUpgrade : WebSocketUpgrade
{
    private readonly TaskCompletionSource<WebSocket> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _aborted = new();
    private InMemoryStream? _server;

    public InMemoryUpgrade(Uri address)
    {
        var query = QueryHelpers.ParseQuery(address.Query);
        SessionId = query.TryGetValue("session_id", out var id) ? id.ToString() : null;
        AccessToken = query.TryGetValue("access_token", out var token) ? token.ToString() : null;
        Cursor = query.TryGetValue("cursor", out var cursor) ? cursor.ToString() : null;
    }

    /// <summary>The client's socket, or the refusal; completes once the endpoint accepted or refused.</summary>
    public Task<WebSocket> Outcome => _outcome.Task;

    public override bool IsWebSocketRequest => true;

    public override string? SessionId { get; }

    public override string? AccessToken { get; }

    public override string? Cursor { get; }

    public override CancellationToken Aborted => _aborted.Token;

    public override Task RejectAsync(int status, string message)
    {
        _outcome.TrySetException(new PolyChatApiException((HttpStatusCode)status, message, "The WebSocket handshake failed"));
        return Task.CompletedTask;
    }

    public override Task<WebSocket> AcceptAsync()
    {
        var (client, server) = InMemoryStream.CreatePair();
        _server = server;

        // No keep-alive pings on either end: PolyAI documents none, and they would be timers outside the clock.
        var clientSocket = WebSocket.CreateFromStream(client, isServer: false, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        var serverSocket = WebSocket.CreateFromStream(server, isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        _outcome.TrySetResult(clientSocket);
        return Task.FromResult(serverSocket);
    }

    public override void Abort()
    {
        _server?.Reset();
        _outcome.TrySetException(new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The in-memory handshake was aborted."));
        _aborted.Cancel();
    }

    /// <summary>Ends the request once the endpoint is done with it; a handshake it never answered fails as a reset.</summary>
    public void Finish()
    {
        _outcome.TrySetException(new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The in-memory handshake got no answer."));
        _aborted.Dispose();
    }
}
