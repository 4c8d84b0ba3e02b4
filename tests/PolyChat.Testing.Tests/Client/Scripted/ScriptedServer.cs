using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PolyChat.Testing.Tests.Client.Scripted;

/// <summary>
/// A WebSocket server that does only what each test's script says: which HTTP status to answer on the upgrade,
/// which frames to send (JSON written in the test, after the docs' examples in §8), when to close and with which
/// code. It records what the client sent and how it closed. It shares no code or assumption with the simulator,
/// so a test against it checks the client against the docs' words.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedConnection> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly ConcurrentQueue<Exception> _failures = new();
    private int _count;

    private ScriptedServer(WebApplication app) => _app = app;

    /// <summary>The address to pass as <c>SessionOptions.WebSocketAddress</c>.</summary>
    public Uri WebSocketAddress { get; private set; } = null!;

    /// <summary>Every upgrade request so far, refused ones included, in arrival order.</summary>
    public IReadOnlyList<ScriptedConnection> Connections => _connections.ToArray();

    /// <summary>Starts a server that runs <paramref name="script"/> for every upgrade request.</summary>
    public static async Task<ScriptedServer> StartAsync(Func<ScriptedConnection, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ScriptedServer(app);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(context => server.HandleAsync(context, script));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.WebSocketAddress = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/') + "/ws");
        return server;
    }

    /// <summary>Waits until at least <paramref name="count"/> upgrade requests have arrived (30 s cap).</summary>
    public async Task<ScriptedConnection> WaitForConnectionAsync(int count)
    {
        using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Volatile.Read(ref _count) < count)
        {
            await _arrived.WaitAsync(cap.Token);
        }

        return Connections[count - 1];
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        foreach (var connection in _connections)
        {
            connection.Abort();
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
        _stopping.Dispose();
        if (!_failures.IsEmpty)
        {
            throw new AggregateException("A server script failed.", _failures);
        }
    }

    private async Task HandleAsync(HttpContext context, Func<ScriptedConnection, Task> script)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var connection = new ScriptedConnection(_connections.Count, context, _stopping.Token);
        _connections.Enqueue(connection);
        Interlocked.Increment(ref _count);
        _arrived.Release();
        try
        {
            await script(connection);

            // The socket stays open after the script until the client closes it or the server stops.
            await connection.ClientDone.WaitAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception) when (exception is WebSocketException or IOException || connection.ClientDone.IsCompleted)
        {
            // The client went away under the script: a script cannot tell that from its own failure by type, but
            // a socket error, or any failure once the client is gone, is the client leaving, not a broken script.
        }
        catch (Exception exception)
        {
            // A script that failed otherwise (an assertion, a wait that gave up) fails the test at DisposeAsync.
            _failures.Enqueue(exception);
        }
        finally
        {
            connection.Abort();
        }
    }
}
