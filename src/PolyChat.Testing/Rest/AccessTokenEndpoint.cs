using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace PolyChat.Testing.Rest;

/// <summary><c>POST /api/v1/access-token</c>: trades the connector token and host for an access token (PROTOCOL.md §5b, §6).</summary>
internal sealed class AccessTokenEndpoint
{
    public const string Path = "/api/v1/access-token";

    private readonly SimulatorOptions _options;
    private readonly TokenIssuer _tokens;

    public AccessTokenEndpoint(SimulatorOptions options, TokenIssuer tokens)
    {
        _options = options;
        _tokens = tokens;
    }

    public Task HandleAsync(HttpContext context)
    {
        string? connectorToken = context.Request.Headers["X-Token"];
        string? host = context.Request.Headers["X-Host"];
        if (string.IsNullOrEmpty(connectorToken) || string.IsNullOrEmpty(host))
        {
            return ErrorResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "Missing authentication headers");
        }

        if (!string.Equals(connectorToken, _options.ConnectorToken, StringComparison.Ordinal))
        {
            return ErrorResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "Connector token does not exist");
        }

        if (_options.AllowedHost.Length == 0)
        {
            return ErrorResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "Connector missing host domain");
        }

        if (!HostMatches(host, _options.AllowedHost))
        {
            return ErrorResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "Failed to validate connector");
        }

        var token = _tokens.Issue();
        return JsonResponse.WriteAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteString("access_token", token);
            writer.WriteNumber("expires_in", (long)_tokens.Lifetime.TotalSeconds);
            writer.WriteString("token_type", "Bearer");
        });
    }

    // The registered host matches itself and its subdomains, never a mere suffix ("badexample.com").
    internal static bool HostMatches(string host, string allowed) =>
        string.Equals(host, allowed, StringComparison.OrdinalIgnoreCase)
        || (host.Length > allowed.Length
            && host.EndsWith(allowed, StringComparison.OrdinalIgnoreCase)
            && host[host.Length - allowed.Length - 1] == '.');
}
