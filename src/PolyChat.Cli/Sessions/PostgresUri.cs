using System;
using System.Globalization;
using Npgsql;

namespace PolyChat.Cli.Sessions;

/// <summary>
/// Turns a libpq connection URI, <c>postgresql://[user[:password]@][host[:port][,…]][/database][?key=value&amp;…]</c>,
/// into an Npgsql connection string, which has no URI form of its own. The query keys libpq and Npgsql share are
/// taken; any other is refused rather than dropped.
/// </summary>
internal static class PostgresUri
{
    public static bool IsUri(string value) =>
        value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    /// <exception cref="FormatException">The URI cannot be read; the message never quotes its password.</exception>
    public static NpgsqlConnectionStringBuilder ToConnectionString(string uri)
    {
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var fragment = rest.IndexOf('#', StringComparison.Ordinal);
        if (fragment >= 0)
        {
            rest = rest[..fragment];
        }

        var query = string.Empty;
        var questionMark = rest.IndexOf('?', StringComparison.Ordinal);
        if (questionMark >= 0)
        {
            query = rest[(questionMark + 1)..];
            rest = rest[..questionMark];
        }

        var path = string.Empty;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            path = rest[(slash + 1)..];
            rest = rest[..slash];
        }

        var builder = new NpgsqlConnectionStringBuilder();
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            var user = colon >= 0 ? userInfo[..colon] : userInfo;
            if (user.Length > 0)
            {
                builder.Username = Decode(user);
            }

            if (colon >= 0)
            {
                builder.Password = Decode(userInfo[(colon + 1)..]);
            }
        }

        if (rest.Length > 0)
        {
            SetHosts(builder, rest);
        }

        if (path.Length > 0)
        {
            builder.Database = Decode(path);
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Decode(equals >= 0 ? pair[..equals] : pair);
            var value = equals >= 0 ? Decode(pair[(equals + 1)..]) : string.Empty;
            Set(builder, key, value);
        }

        return builder;
    }

    private static void SetHosts(NpgsqlConnectionStringBuilder builder, string hosts)
    {
        if (hosts.Contains(',', StringComparison.Ordinal))
        {
            // Npgsql takes several hosts, each with its own port, in one Host: host1:5432,host2:5433.
            builder.Host = Decode(hosts);
            return;
        }

        string host;
        string? port = null;
        if (hosts.StartsWith('['))
        {
            var close = hosts.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException("--store: the PostgreSQL URI has an IPv6 host without its closing ']'.");
            }

            host = hosts[1..close];
            if (close + 1 < hosts.Length)
            {
                if (hosts[close + 1] != ':')
                {
                    throw new FormatException("--store: the PostgreSQL URI has something other than ':port' after its IPv6 host.");
                }

                port = hosts[(close + 2)..];
            }
        }
        else
        {
            var colon = hosts.LastIndexOf(':');
            host = colon >= 0 ? hosts[..colon] : hosts;
            port = colon >= 0 ? hosts[(colon + 1)..] : null;
        }

        builder.Host = Decode(host);
        if (!string.IsNullOrEmpty(port))
        {
            builder.Port = Number(port, "port");
        }
    }

    private static void Set(NpgsqlConnectionStringBuilder builder, string key, string value)
    {
        switch (key)
        {
            case "host":
                builder.Host = value;
                break;
            case "port":
                builder.Port = Number(value, key);
                break;
            case "user":
                builder.Username = value;
                break;
            case "password":
                builder.Password = value;
                break;
            case "dbname":
                builder.Database = value;
                break;
            case "sslmode":
                builder.SslMode = value switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw new FormatException($"--store: the PostgreSQL URI's sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full."),
                };
                break;
            case "sslrootcert":
                builder.RootCertificate = value;
                break;
            case "sslcert":
                builder.SslCertificate = value;
                break;
            case "sslkey":
                builder.SslKey = value;
                break;
            case "application_name":
                builder.ApplicationName = value;
                break;
            case "connect_timeout":
                builder.Timeout = Number(value, key);
                break;
            case "options":
                builder.Options = value;
                break;
            case "target_session_attrs":
                builder.TargetSessionAttributes = value;
                break;
            default:
                throw new FormatException(
                    $"--store: the PostgreSQL URI's parameter '{key}' is not supported (host, port, user, password, dbname, sslmode, " +
                    "sslrootcert, sslcert, sslkey, application_name, connect_timeout, options, target_session_attrs are); " +
                    "give an Npgsql connection string (Host=…;Database=…) instead.");
        }
    }

    private static int Number(string value, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"--store: the PostgreSQL URI's {name} '{value}' is not a number.");

    private static string Decode(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            // Never quote it: it may be the password.
            throw new FormatException("--store: the PostgreSQL URI has a malformed %-escape.");
        }
    }
}
