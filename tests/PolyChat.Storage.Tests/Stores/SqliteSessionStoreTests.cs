using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using PolyChat.Protocol.Storage;
using PolyChat.Storage.Sqlite;

namespace PolyChat.Storage.Tests.Stores;

/// <summary>The store contract on a real SQLite file in a temporary folder (WAL mode, one file per test).</summary>
public sealed class SqliteSessionStoreTests : SessionStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "polychat-sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    public SqliteSessionStoreTests()
    {
        Directory.CreateDirectory(_directory);
        ConnectionString = $"Data Source={Path.Combine(_directory, "sessions.db")}";
    }

    private string ConnectionString { get; }

    protected override ISessionStore CreateStore(TimeProvider clock) => new SqliteSessionStore(ConnectionString, clock);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
