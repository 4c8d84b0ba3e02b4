using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Npgsql;
using Xunit;

namespace PolyChat.Storage.Tests.PostgreSql;

/// <summary>
/// A PostgreSQL server for the test run. When <c>POLYCHAT_POSTGRES</c> holds a connection string, that server is used
/// as it is. Otherwise the fixture finds the server binaries (<c>pg_config --bindir</c>, <c>/usr/lib/postgresql/*/bin</c>,
/// the PATH), creates a cluster in a temporary folder (as the <c>postgres</c> user when the tests run as root, since
/// <c>initdb</c> refuses root), starts it on a free loopback port, and stops and deletes it when the run ends. Without
/// either, <see cref="UnavailableReason"/> says why and the PostgreSQL tests are skipped.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>The environment variable that names an existing server (an Npgsql connection string).</summary>
    public const string EnvironmentVariable = "POLYCHAT_POSTGRES";

    private const string ServerUser = "postgres";
    private const string Database = "polychat_tests";
    private const string Superuser = "polychat";

    private static readonly Lazy<Availability> Found = new(Find);

    private string? _root;
    private string? _dataDirectory;
    private string? _connectionString;

    /// <summary>Why the PostgreSQL tests cannot run here; null when they can.</summary>
    public static string? UnavailableReason => Found.Value.Reason;

    /// <summary>The connection string of the test database.</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException(UnavailableReason ?? "The server has not started.");

    /// <summary>A connection string to the test database with <paramref name="searchPath"/> as its schema.</summary>
    public string WithSearchPath(string searchPath) => new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = searchPath }.ConnectionString;

    public async Task InitializeAsync()
    {
        var found = Found.Value;
        if (found.Reason is not null)
        {
            return;
        }

        if (found.External is { } external)
        {
            _connectionString = external;
            return;
        }

        _root = Path.Combine(Path.GetTempPath(), "polychat-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_root);
        try
        {
            await StartAsync(found, _root);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(Availability found, string root)
    {
        if (found.AsServerUser)
        {
            await RunAsync("chown", [$"{ServerUser}:", root], asServerUser: false);
        }

        _dataDirectory = Path.Combine(root, "data");
        await RunAsync(Path.Combine(found.BinDirectory!, "initdb"),
            ["-D", _dataDirectory, "-U", Superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], found.AsServerUser);

        // A free port can be taken between choosing it and binding it: try another a few times.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var options = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{root}'";
            try
            {
                await RunAsync(Path.Combine(found.BinDirectory!, "pg_ctl"),
                    ["-D", _dataDirectory, "-l", Path.Combine(root, "server.log"), "-o", options, "-w", "-t", "60", "start"], found.AsServerUser);
                var admin = $"Host=127.0.0.1;Port={port};Username={Superuser};Database=postgres;Pooling=false";
                await using (var connection = new NpgsqlConnection(admin))
                {
                    await connection.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
                    await create.ExecuteNonQueryAsync();
                }

                _connectionString = $"Host=127.0.0.1;Port={port};Username={Superuser};Database={Database}";
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && !IsRunning())
            {
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_root is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        var found = Found.Value;
        try
        {
            if (_dataDirectory is not null && IsRunning())
            {
                await RunAsync(Path.Combine(found.BinDirectory!, "pg_ctl"), ["-D", _dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], found.AsServerUser);
            }
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private bool IsRunning() =>
        _dataDirectory is not null && File.Exists(Path.Combine(_dataDirectory, "postmaster.pid"));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Availability Find()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new Availability(null, null, external, false);
        }

        if (OperatingSystem.IsWindows())
        {
            return Unavailable($"set {EnvironmentVariable} to a PostgreSQL connection string to run them on Windows");
        }

        // A directory on the PATH may only hold links to the binaries (to a version since removed, even): use the
        // directory the links lead to, where initdb and pg_ctl find the server program.
        var binDirectory = Candidates().Select(directory => Path.GetDirectoryName(RealPath(Path.Combine(directory, "initdb"))))
            .FirstOrDefault(directory => directory is not null && File.Exists(Path.Combine(directory, "initdb")) && File.Exists(RealPath(Path.Combine(directory, "pg_ctl"))));
        if (binDirectory is null)
        {
            return Unavailable("no PostgreSQL server binaries (initdb, pg_ctl) were found; install PostgreSQL (apt-get install postgresql) " +
                $"or set {EnvironmentVariable} to a connection string");
        }

        var asServerUser = Capture("id", ["-u"])?.Trim() == "0";
        if (asServerUser && Capture("id", ["-u", ServerUser]) is null)
        {
            return Unavailable($"the tests run as root and initdb refuses root, but there is no '{ServerUser}' user to run it as");
        }

        return new Availability(null, binDirectory, null, asServerUser);

        static Availability Unavailable(string why) => new($"PostgreSQL is not available: {why}.", null, null, false);
    }

    private static string RealPath(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    private static IEnumerable<string> Candidates()
    {
        if (Capture("pg_config", ["--bindir"]) is { } configured)
        {
            yield return configured.Trim();
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var versions = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(directory => (Directory: directory, Version: int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .OrderByDescending(version => version.Version);
            foreach (var version in versions)
            {
                yield return Path.Combine(version.Directory, "bin");
            }
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return directory;
        }
    }

    /// <summary>Runs a program and returns its output, or null when it cannot be started or fails.</summary>
    private static string? Capture(string file, string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    private static async Task RunAsync(string file, string[] arguments, bool asServerUser)
    {
        var start = new ProcessStartInfo(asServerUser ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asServerUser)
        {
            foreach (var prefix in (string[])["-u", ServerUser, "--", file])
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }

    private sealed record Availability(string? Reason, string? BinDirectory, string? External, bool AsServerUser);
}

/// <summary>The tests that share the run's PostgreSQL server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
