using System;
using System.IO;
using Microsoft.Data.Sqlite;
using PolyChat.Protocol.Storage;
using PolyChat.Storage.Sqlite;
using PolyChat.Storage.Tests.PostgreSql;

namespace PolyChat.Storage.Tests.Stores;

/// <summary>Two processes on one SQLite file.</summary>
[NeedsUnixSignals]
public sealed class SqliteTwoProcessLeaseTests : TwoProcessLeaseContract, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "polychat-sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    public SqliteTwoProcessLeaseTests()
    {
        Directory.CreateDirectory(_directory);
        ConnectionString = $"Data Source={Path.Combine(_directory, "sessions.db")}";
    }

    protected override string Kind => "sqlite";

    protected override string ConnectionString { get; }

    protected override ISessionStore OpenStore() => new SqliteSessionStore(ConnectionString);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
