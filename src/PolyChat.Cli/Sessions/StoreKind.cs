namespace PolyChat.Cli.Sessions;

/// <summary>Which database a <c>--store</c> names.</summary>
internal enum StoreKind
{
    /// <summary>A SQLite file (<c>PolyChat.Storage.Sqlite</c>).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (<c>PolyChat.Storage.PostgreSql</c>).</summary>
    PostgreSql,
}
