using PolyChat.Protocol.Storage;
using PolyChat.Storage.PostgreSql;
using PolyChat.Storage.Tests.PostgreSql;
using Xunit;

namespace PolyChat.Storage.Tests.Stores;

/// <summary>Two processes on the PostgreSQL server, each with its own connections.</summary>
[Collection(PostgresCollection.Name)]
[NeedsPostgres]
[NeedsUnixSignals]
public sealed class PostgreSqlTwoProcessLeaseTests(PostgresServer server) : TwoProcessLeaseContract
{
    protected override string Kind => "postgres";

    protected override string ConnectionString => server.ConnectionString;

    protected override ISessionStore OpenStore() => new PostgreSqlSessionStore(server.ConnectionString);
}
