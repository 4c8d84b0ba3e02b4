using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Storage.Sqlite;
using Xunit;

namespace PolyChat.Cli.Tests.Sessions;

/// <summary><c>polychat sessions</c> on a real SQLite file filled through <see cref="SqliteSessionStore"/>.</summary>
public sealed class SqliteSessionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("polychat-sessions-").FullName;

    private string File => Path.Combine(_directory, "sessions.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_list_shows_each_session_s_cursor_owner_lease_outbox_end_and_last_update()
    {
        await FillAsync();

        SessionsScenario.AssertList(await SessionsScenario.RunAsync(c => c.ListAsync(File, json: false, CancellationToken.None)));
    }

    [Fact]
    public async Task The_list_as_json_has_one_object_per_session_in_snake_case()
    {
        await FillAsync();

        SessionsScenario.AssertListJson(await SessionsScenario.RunAsync(c => c.ListAsync(File, json: true, CancellationToken.None)));
    }

    [Fact]
    public async Task Show_prints_the_cursor_capabilities_agent_recent_events_open_replies_outbox_and_settled_ids()
    {
        await FillAsync();

        SessionsScenario.AssertShow(await SessionsScenario.RunAsync(c => c.ShowAsync(File, "sess-live", json: false, CancellationToken.None)), $"sqlite {File}");
    }

    [Fact]
    public async Task Show_as_json_has_the_outbox_attempts_and_ages_and_the_settled_statuses()
    {
        await FillAsync();

        SessionsScenario.AssertShowJson(await SessionsScenario.RunAsync(c => c.ShowAsync(File, "sess-live", json: true, CancellationToken.None)));
    }

    [Fact]
    public async Task The_command_line_takes_a_path_or_a_data_source_string()
    {
        await FillAsync();

        var list = CliResult.Run(string.Empty, "sessions", "--store", File);
        var show = CliResult.Run(string.Empty, "sessions", "show", "sess-ended", "--store", $"Data Source={File}", "--json");

        Assert.Equal(ExitCodes.Success, list.ExitCode);
        Assert.Equal(["sess-live", "sess-expired", "sess-ended"], list.StdoutLines.Skip(1).Select(line => SessionsScenario.Cells(line)[0]));
        Assert.Equal(ExitCodes.Success, show.ExitCode);
        using var document = JsonDocument.Parse(show.Stdout);
        Assert.Equal(40, document.RootElement.GetProperty("cursor").GetInt64());
        Assert.Equal("REASON_USER_END", document.RootElement.GetProperty("end_reason").GetString());
        Assert.Empty(document.RootElement.GetProperty("outbox").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("capabilities").ValueKind);
    }

    [Fact]
    public async Task An_unknown_session_id_is_an_error_with_its_own_exit_code()
    {
        await FillAsync();

        var result = CliResult.Run(string.Empty, "sessions", "show", "sess-nope", "--store", File);

        Assert.Equal(ExitCodes.SessionNotFound, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains($"no session 'sess-nope' in sqlite {File}", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "sessions")]
    [InlineData(true, "sessions")]
    [InlineData(false, "show")]
    public void A_missing_file_is_reported_and_not_created(bool asDataSource, string command)
    {
        var store = asDataSource ? $"Data Source={File}" : File;
        string[] args = command == "show" ? ["sessions", "show", "sess-live", "--store", store] : ["sessions", "--store", store];

        var result = CliResult.Run(string.Empty, args);

        Assert.Equal(ExitCodes.StoreUnavailable, result.ExitCode);
        Assert.Contains($"no SQLite store at '{File}': no such file", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
    }

    [Fact]
    public void A_directory_is_not_a_store()
    {
        var result = CliResult.Run(string.Empty, "sessions", "--store", _directory);

        Assert.Equal(ExitCodes.StoreUnavailable, result.ExitCode);
        Assert.Contains("is a directory", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sqlite_file_without_the_store_s_tables_is_reported_and_left_as_it_was()
    {
        using (var connection = new SqliteConnection($"Data Source={File};Pooling=false"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE something_else (x INTEGER)";
            create.ExecuteNonQuery();
        }

        var result = CliResult.Run(string.Empty, "sessions", "--store", File);

        Assert.Equal(ExitCodes.StoreUnavailable, result.ExitCode);
        Assert.Contains("is not a polychat session store", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(["something_else"], Tables());
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_reported()
    {
        System.IO.File.WriteAllText(File, "these are not the pages of a SQLite database, but they are long enough to have a header: " + new string('x', 200));

        var result = CliResult.Run(string.Empty, "sessions", "--store", File);

        Assert.Equal(ExitCodes.StoreUnavailable, result.ExitCode);
        Assert.StartsWith($"polychat: cannot read sqlite {File}: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_store_says_so_and_lists_nothing_as_json()
    {
        var store = new SqliteSessionStore($"Data Source={File}");
        await store.AcquireAsync("gone", "worker", TimeSpan.FromSeconds(30));
        await store.DeleteAsync("gone");

        var text = CliResult.Run(string.Empty, "sessions", "--store", File);
        var json = CliResult.Run(string.Empty, "sessions", "--store", File, "--json");

        Assert.Equal(ExitCodes.Success, text.ExitCode);
        Assert.Equal($"No sessions in sqlite {File}.", text.Stdout.TrimEnd());
        Assert.Equal(ExitCodes.Success, json.ExitCode);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Empty(document.RootElement.GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task A_password_in_a_sqlite_connection_string_is_never_printed()
    {
        await FillAsync();
        const string Password = "sqlite-hunter2-5d1e";

        var result = CliResult.Run(string.Empty, "sessions", "--store", $"Data Source={File};Password={Password}");

        // The bundled SQLite has no encryption: a password cannot be used, and the command says so, without it.
        Assert.Equal(ExitCodes.StoreUnavailable, result.ExitCode);
        Assert.StartsWith($"polychat: cannot read sqlite {File}: ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_store_it_is_a_usage_error()
    {
        var result = CliResult.Run(string.Empty, "sessions");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--store", result.Stderr, StringComparison.Ordinal);
    }

    private async Task FillAsync()
    {
        var clock = new FakeTimeProvider(SessionsScenario.Start);
        await SessionsScenario.FillAsync(new SqliteSessionStore($"Data Source={File}", clock), clock);
    }

    private string[] Tables()
    {
        using var connection = new SqliteConnection($"Data Source={File};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new System.Collections.Generic.List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return [.. names];
    }
}
