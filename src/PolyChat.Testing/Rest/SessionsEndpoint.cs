using System;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using PolyChat.Testing.Sessions;

namespace PolyChat.Testing.Rest;

/// <summary><c>POST /api/v1/sessions</c>: creates a session for a valid bearer token (PROTOCOL.md §5b, §6).</summary>
internal sealed class SessionsEndpoint
{
    public const string Path = "/api/v1/sessions";

    private const string BearerPrefix = "Bearer ";
    private static readonly string[] Platforms = ["web", "ios", "android", "ios-web", "android-web", "custom"];

    private readonly TokenIssuer _tokens;
    private readonly SessionStore _sessions;
    private readonly int _maxBodyBytes;

    public SessionsEndpoint(TokenIssuer tokens, SessionStore sessions, int maxBodyBytes)
    {
        _tokens = tokens;
        _sessions = sessions;
        _maxBodyBytes = maxBodyBytes;
    }

    public async Task HandleAsync(HttpContext context)
    {
        string? authorization = context.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(authorization))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "Missing access token").ConfigureAwait(false);
            return;
        }

        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "Missing authentication headers").ConfigureAwait(false);
            return;
        }

        var token = authorization[BearerPrefix.Length..].Trim();
        if (!_tokens.IsValid(token))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "Invalid access token").ConfigureAwait(false);
            return;
        }

        var settings = await ReadSettingsAsync(context).ConfigureAwait(false);
        if (settings is null)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "Error parsing request").ConfigureAwait(false);
            return;
        }

        var session = _sessions.Create(token, settings);
        await JsonResponse.WriteAsync(context, StatusCodes.Status200OK, writer => writer.WriteString("session_id", session.Id)).ConfigureAwait(false);
    }

    // Null when the body is not valid: not JSON, not an object, or a known field of the wrong type.
    private async Task<SessionSettings?> ReadSettingsAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > _maxBodyBytes)
        {
            return null;
        }

        if (body.Length == 0)
        {
            return new SessionSettings(StreamingEnabled: false, Platform: "web");
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var streaming = false;
            var platform = "web";
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "streaming_enabled" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                        streaming = property.Value.GetBoolean();
                        break;
                    case "streaming_enabled":
                        return null;
                    case "platform" when property.Value.ValueKind == JsonValueKind.String
                                         && Array.IndexOf(Platforms, property.Value.GetString()) >= 0:
                        platform = property.Value.GetString()!;
                        break;
                    case "platform":
                        return null;
                    default:
                        break;
                }
            }

            return new SessionSettings(streaming, platform);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
