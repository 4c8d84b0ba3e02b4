using System;
using System.Data.Common;
using System.IO;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace PolyChat.Cli.Sessions;

/// <summary>
/// What <c>--store</c> names: a PostgreSQL connection string (<c>Host=…</c>) or URI (<c>postgres://</c>,
/// <c>postgresql://</c>), else a SQLite file path or <c>Data Source=…</c> string. <see cref="Display"/> names it for
/// people without its password; <see cref="Redact"/> takes the password out of any text that might quote it.
/// </summary>
internal sealed class StoreLocation
{
    private StoreLocation(StoreKind kind, string connectionString, string display, string? password, string? sqliteFile)
    {
        Kind = kind;
        ConnectionString = connectionString;
        Display = display;
        Password = password;
        SqliteFile = sqliteFile;
    }

    public StoreKind Kind { get; }

    /// <summary>The provider's connection string (for SQLite, read-only and naming the full path).</summary>
    public string ConnectionString { get; }

    /// <summary>The store for people: <c>sqlite /path/file.db</c> or <c>postgresql user@host:port/database</c>, never the password.</summary>
    public string Display { get; }

    /// <summary>The SQLite file's full path; null for PostgreSQL.</summary>
    public string? SqliteFile { get; }

    private string? Password { get; }

    /// <summary>Reads <paramref name="value"/>.</summary>
    /// <exception cref="FormatException">It is neither a usable connection string nor a file path; the message says why (without the password).</exception>
    public static StoreLocation Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            throw new FormatException("--store is empty.");
        }

        if (PostgresUri.IsUri(trimmed))
        {
            return PostgreSql(PostgresUri.ToConnectionString(trimmed));
        }

        var keys = TryParseKeys(trimmed);
        if (keys is not null && (keys.ContainsKey("host") || keys.ContainsKey("server")))
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(trimmed);
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException)
            {
                throw new FormatException($"--store is not a valid PostgreSQL connection string: {Scrub(exception.Message, keys)}", exception);
            }

            return PostgreSql(builder);
        }

        if (keys is not null && (keys.ContainsKey("data source") || keys.ContainsKey("datasource") || keys.ContainsKey("filename")))
        {
            SqliteConnectionStringBuilder builder;
            try
            {
                builder = new SqliteConnectionStringBuilder(trimmed);
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException)
            {
                throw new FormatException($"--store is not a valid SQLite connection string: {Scrub(exception.Message, keys)}", exception);
            }

            return Sqlite(builder);
        }

        return Sqlite(new SqliteConnectionStringBuilder { DataSource = trimmed });
    }

    /// <summary>Replaces the password, wherever <paramref name="text"/> quotes it, with <c>***</c>.</summary>
    public string Redact(string text) =>
        string.IsNullOrEmpty(Password) ? text : text.Replace(Password, "***", StringComparison.Ordinal);

    private static StoreLocation PostgreSql(NpgsqlConnectionStringBuilder builder)
    {
        var hosts = string.IsNullOrEmpty(builder.Host) ? "(default host)" : builder.Host;
        var port = builder.Host is { } host && host.Contains(',', StringComparison.Ordinal) ? string.Empty : $":{builder.Port}";
        var user = string.IsNullOrEmpty(builder.Username) ? string.Empty : builder.Username + "@";
        var database = string.IsNullOrEmpty(builder.Database) ? string.Empty : "/" + builder.Database;
        return new StoreLocation(StoreKind.PostgreSql, builder.ConnectionString, $"postgresql {user}{hosts}{port}{database}", builder.Password, sqliteFile: null);
    }

    private static StoreLocation Sqlite(SqliteConnectionStringBuilder builder)
    {
        var source = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(source) || source == ":memory:")
        {
            throw new FormatException("--store names an in-memory SQLite database, which holds no stored sessions: give the file's path.");
        }

        if (source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException("--store: SQLite 'file:' URIs are not supported; give the file's path.");
        }

        var path = Path.GetFullPath(source);

        // Read-only: the command never creates a file (nor a table) where there was none. No pool: nothing stays open.
        builder.DataSource = path;
        builder.Mode = SqliteOpenMode.ReadOnly;
        builder.Pooling = false;
        return new StoreLocation(StoreKind.Sqlite, builder.ConnectionString, $"sqlite {path}", string.IsNullOrEmpty(builder.Password) ? null : builder.Password, path);
    }

    private static DbConnectionStringBuilder? TryParseKeys(string value)
    {
        if (!value.Contains('=', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return new DbConnectionStringBuilder { ConnectionString = value };
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Scrub(string message, DbConnectionStringBuilder keys)
    {
        foreach (var key in (string[])["password", "pwd", "psw"])
        {
            if (keys.TryGetValue(key, out var password) && password is string { Length: > 0 } secret)
            {
                message = message.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return message;
    }
}
