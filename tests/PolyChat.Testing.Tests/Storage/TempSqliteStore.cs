using System;
using System.IO;
using Microsoft.Data.Sqlite;
using PolyChat.Storage.Sqlite;

namespace PolyChat.Testing.Tests.Storage;

/// <summary>A real SQLite file in the temp folder, deleted (with its WAL files) when the test ends.</summary>
internal sealed class TempSqliteStore : IDisposable
{
    public TempSqliteStore(TimeProvider? timeProvider = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"polychat-{Guid.NewGuid():N}.db");
        Store = new SqliteSessionStore($"Data Source={Path}", timeProvider);
    }

    public string Path { get; }

    public SqliteSessionStore Store { get; }

    public void Dispose()
    {
        // Pooled connections keep the file open.
        SqliteConnection.ClearAllPools();
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(Path + suffix);
        }
    }
}
