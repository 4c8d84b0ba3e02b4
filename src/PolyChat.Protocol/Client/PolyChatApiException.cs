using System;
using System.Net;

namespace PolyChat.Protocol.Client;

/// <summary>A PolyAI REST call or WebSocket handshake failed; carries the HTTP status and the server's message.</summary>
public sealed class PolyChatApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status, when there was a response.</param>
    /// <param name="serverMessage">The server's <c>message</c> (or <c>error</c>) text, when it sent one.</param>
    /// <param name="message">What failed.</param>
    /// <param name="inner">The underlying failure, if any.</param>
    public PolyChatApiException(HttpStatusCode? statusCode, string? serverMessage, string message, Exception? inner = null)
        : base(serverMessage is null ? message : $"{message}: {serverMessage}", inner)
    {
        StatusCode = statusCode;
        ServerMessage = serverMessage;
    }

    /// <summary>The HTTP status, when there was a response.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The server's own error text, when it sent one.</summary>
    public string? ServerMessage { get; }

    /// <summary>Whether trying again later may succeed (rate limits, server errors, connection limits).</summary>
    public bool IsTransient => StatusCode is null or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError;
}
