using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PolyChat.Storage.PostgreSql;
using PolyChat.Storage.Tests.PostgreSql;
using Xunit;

namespace PolyChat.Cli.Tests.Sessions;

/// <summary>
/// <c>polychat sessions</c> on a real PostgreSQL server (<see cref="PostgresServer"/>, shared with the storage tests),
/// each test in a schema of its own, through a connection string and a URI that both carry a password.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlSessionsTests(PostgresServer server)
{
    [PostgresFact]
    public async Task The_list_and_show_from_a_connection_string_with_a_password_never_print_it()
    {
        var (connectionString, password) = await FillAsync();

        var list = await SessionsScenario.RunAsync(c => c.ListAsync(connectionString, json: false, CancellationToken.None));
        var show = await SessionsScenario.RunAsync(c => c.ShowAsync(connectionString, "sess-live", json: false, CancellationToken.None));

        SessionsScenario.AssertList(list);
        SessionsScenario.AssertShow(show, Display());
        Assert.DoesNotContain(password, list.Stdout + show.Stdout, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task A_postgresql_uri_reaches_the_same_store_and_json_reads_the_same()
    {
        var (connectionString, password) = await FillAsync();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var uri = $"postgresql://{Uri.EscapeDataString(builder.Username!)}:{Uri.EscapeDataString(password)}@{builder.Host}:{builder.Port}/" +
            $"{Uri.EscapeDataString(builder.Database!)}?options={Uri.EscapeDataString("-c search_path=" + builder.SearchPath)}";

        var list = await SessionsScenario.RunAsync(c => c.ListAsync(uri, json: true, CancellationToken.None));
        var show = await SessionsScenario.RunAsync(c => c.ShowAsync(uri, "sess-live", json: true, CancellationToken.None));

        SessionsScenario.AssertListJson(list);
        SessionsScenario.AssertShowJson(show);
        Assert.DoesNotContain(password, list.Stdout + show.Stdout, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task A_database_without_the_store_s_tables_is_reported_and_left_without_them()
    {
        var schema = await CreateSchemaAsync();
        var connectionString = server.WithSearchPath(schema);

        var result = CliResult.Run(string.Empty, "sessions", "--store", connectionString);

        Assert.Equal(ExitCodes.StoreUnavailable, result.ExitCode);
        Assert.Contains("is not a polychat session store", result.Stderr, StringComparison.Ordinal);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var count = dataSource.CreateCommand($"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{schema}'");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [PostgresFact]
    public async Task A_login_the_server_refuses_is_reported_without_the_password()
    {
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = "nobody_" + Guid.NewGuid().ToString("N")[..8], Password = "refused-pw-3c9a" };

        var result = CliResult.Run(string.Empty, "sessions", "--store", builder.ConnectionString);

        Assert.Equal(ExitCodes.StoreUnavailable, result.ExitCode);
        Assert.StartsWith($"polychat: cannot read postgresql {builder.Username}@", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("refused-pw-3c9a", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    private async Task<(string ConnectionString, string Password)> FillAsync()
    {
        var schema = await CreateSchemaAsync();
        var clock = new FakeTimeProvider(SessionsScenario.Start);
        await using (var store = new PostgreSqlSessionStore(server.WithSearchPath(schema), clock))
        {
            await SessionsScenario.FillAsync(store, clock);
        }

        // The test server trusts loopback logins, so any password is accepted; a server given in POLYCHAT_POSTGRES keeps its own.
        var builder = new NpgsqlConnectionStringBuilder(server.WithSearchPath(schema));
        if (string.IsNullOrEmpty(builder.Password))
        {
            builder.Password = "pg-cli-secret-" + Guid.NewGuid().ToString("N")[..8];
        }

        return (builder.ConnectionString, builder.Password);
    }

    private string Display()
    {
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        return $"postgresql {builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
    }

    private async Task<string> CreateSchemaAsync()
    {
        var schema = "cli_" + Guid.NewGuid().ToString("N")[..12];
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var create = dataSource.CreateCommand($"CREATE SCHEMA {schema}");
        await create.ExecuteNonQueryAsync();
        return schema;
    }
}
