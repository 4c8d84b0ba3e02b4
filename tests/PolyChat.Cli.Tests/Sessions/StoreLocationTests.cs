using System;
using System.IO;
using Npgsql;
using PolyChat.Cli.Sessions;
using Xunit;

namespace PolyChat.Cli.Tests.Sessions;

/// <summary>What <c>--store</c> names, and that its password never reaches what is printed.</summary>
public sealed class StoreLocationTests
{
    [Fact]
    public void A_postgresql_uri_becomes_an_npgsql_connection_string()
    {
        var location = StoreLocation.Parse("postgresql://ops:p%40ss%2Fw0rd@db.example:6543/polychat?sslmode=verify-full&application_name=polychat-cli&connect_timeout=7");

        Assert.Equal(StoreKind.PostgreSql, location.Kind);
        var builder = new NpgsqlConnectionStringBuilder(location.ConnectionString);
        Assert.Equal("db.example", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("ops", builder.Username);
        Assert.Equal("p@ss/w0rd", builder.Password);
        Assert.Equal("polychat", builder.Database);
        Assert.Equal(SslMode.VerifyFull, builder.SslMode);
        Assert.Equal("polychat-cli", builder.ApplicationName);
        Assert.Equal(7, builder.Timeout);
        Assert.Equal("postgresql ops@db.example:6543/polychat", location.Display);
    }

    [Theory]
    [InlineData("postgres://db/polychat", "db", 5432, null, "polychat")]
    [InlineData("postgresql://[::1]:6000/x", "::1", 6000, null, "x")]
    [InlineData("postgresql://u@h", "h", 5432, "u", null)]
    [InlineData("postgresql:///polychat?host=/var/run/postgresql&user=me", "/var/run/postgresql", 5432, "me", "polychat")]
    public void Uri_hosts_ports_users_and_databases(string uri, string host, int port, string? user, string? database)
    {
        var builder = new NpgsqlConnectionStringBuilder(StoreLocation.Parse(uri).ConnectionString);

        Assert.Equal(host, builder.Host);
        Assert.Equal(port, builder.Port);
        Assert.Equal(user, builder.Username);
        Assert.Equal(database, builder.Database);
    }

    [Fact]
    public void Several_hosts_keep_their_ports()
    {
        var builder = new NpgsqlConnectionStringBuilder(StoreLocation.Parse("postgresql://a:5432,b:5433/db").ConnectionString);

        Assert.Equal("a:5432,b:5433", builder.Host);
    }

    [Theory]
    [InlineData("postgresql://h/db?frobnicate=1", "frobnicate")]
    [InlineData("postgresql://h/db?sslmode=sometimes", "sometimes")]
    [InlineData("postgresql://h:port/db", "port")]
    public void A_uri_parameter_that_cannot_be_taken_is_refused_by_name(string uri, string named)
    {
        var exception = Assert.Throws<FormatException>(() => StoreLocation.Parse(uri));

        Assert.Contains(named, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db;Database=polychat;Username=ops;Password=pg-secret-1")]
    [InlineData("Server=db;Database=polychat;Username=ops;Password=pg-secret-1")]
    [InlineData("postgresql://ops:pg-secret-1@db/polychat")]
    public void Connection_strings_and_uris_name_postgresql_and_display_no_password(string store)
    {
        var location = StoreLocation.Parse(store);

        Assert.Equal(StoreKind.PostgreSql, location.Kind);
        Assert.Equal("postgresql ops@db:5432/polychat", location.Display);
        Assert.Equal("could not log in with *** as ops", location.Redact("could not log in with pg-secret-1 as ops"));
    }

    [Fact]
    public void A_malformed_postgresql_connection_string_is_refused_without_its_password()
    {
        var exception = Assert.Throws<FormatException>(() => StoreLocation.Parse("Host=db;Port=not-a-port;Password=pg-secret-2"));

        Assert.DoesNotContain("pg-secret-2", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sessions.db")]
    [InlineData("Data Source=sessions.db")]
    [InlineData("DataSource=sessions.db;Cache=Shared")]
    [InlineData("Filename=sessions.db")]
    public void Anything_else_is_a_sqlite_file_opened_read_only(string store)
    {
        var location = StoreLocation.Parse(store);

        Assert.Equal(StoreKind.Sqlite, location.Kind);
        Assert.Equal(Path.GetFullPath("sessions.db"), location.SqliteFile);
        Assert.Equal($"sqlite {Path.GetFullPath("sessions.db")}", location.Display);
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(location.ConnectionString);
        Assert.Equal(Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly, builder.Mode);
    }

    [Theory]
    [InlineData(":memory:")]
    [InlineData("Data Source=x;Mode=Memory")]
    [InlineData("   ")]
    public void An_in_memory_or_empty_store_is_refused(string store)
    {
        Assert.Throws<FormatException>(() => StoreLocation.Parse(store));
    }
}
