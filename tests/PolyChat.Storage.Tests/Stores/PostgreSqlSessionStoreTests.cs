using System;
using System.Linq;
using System.Threading.Tasks;
using Npgsql;
using PolyChat.Protocol.Storage;
using PolyChat.Storage.PostgreSql;
using PolyChat.Storage.Tests.PostgreSql;
using Xunit;

namespace PolyChat.Storage.Tests.Stores;

/// <summary>The store contract on a real PostgreSQL server (<see cref="PostgresServer"/>), plus what only PostgreSQL has to get right.</summary>
[Collection(PostgresCollection.Name)]
[NeedsPostgres]
public sealed class PostgreSqlSessionStoreTests(PostgresServer server) : SessionStoreContract
{
    protected override ISessionStore CreateStore(TimeProvider clock) => new PostgreSqlSessionStore(server.ConnectionString, clock);

    [PostgresFact]
    public async Task Stores_that_start_together_on_an_empty_schema_create_the_tables_once()
    {
        var schema = "s" + Guid.NewGuid().ToString("N");
        await using (var dataSource = NpgsqlDataSource.Create(server.ConnectionString))
        {
            await using var create = dataSource.CreateCommand($"CREATE SCHEMA {schema}");
            await create.ExecuteNonQueryAsync();
        }

        var stores = Enumerable.Range(0, 8).Select(_ => new PostgreSqlSessionStore(server.WithSearchPath(schema), Clock)).ToList();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var acquired = stores.Select((store, index) => Task.Run(async () =>
            {
                await start.Task;
                return await store.AcquireAsync($"session-{index}", "worker", Lease);
            })).ToList();
            start.SetResult();

            Assert.All(await Task.WhenAll(acquired), session => Assert.True(session.IsNew));
            Assert.Equal(8, (await stores[0].ListAsync()).Count);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task A_store_over_a_data_source_it_was_given_leaves_it_open_when_disposed()
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        var id = NewSessionId();
        await using (var store = new PostgreSqlSessionStore(dataSource, Clock))
        {
            await store.AcquireAsync(id, "worker-a", Lease);
        }

        await using var stillOpen = new PostgreSqlSessionStore(dataSource);
        Assert.Equal("worker-a", (await stillOpen.ReadAsync(id))!.Owner);
    }

    [PostgresFact]
    public async Task A_store_built_from_a_connection_string_closes_its_connections_when_disposed()
    {
        var store = new PostgreSqlSessionStore(server.ConnectionString, Clock);
        await store.AcquireAsync(NewSessionId(), "worker-a", Lease);

        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.ReadAsync(NewSessionId()).AsTask());
    }
}
