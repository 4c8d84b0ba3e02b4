using System;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using PolyChat.Testing.WebSockets;

namespace PolyChat.Testing.InMemory;

/// <summary>
/// Connects clients to the WebSocket endpoint without a network: each call runs the endpoint's handshake on an
/// in-memory upgrade and returns the client's end of the socket, or throws the refusal. It is the
/// <see cref="PolyChat.Protocol.Client.SessionOptions.WebSocketFactory"/> of an in-memory simulator.
/// </summary>
internal sealed class InMemoryConnector
{
    private readonly WebSocketEndpoint _endpoint;
    private readonly ILogger? _logger;
    private readonly HashSet<Task> _running = [];
    private readonly Lock _gate = new();
    private bool _stopped;

    public InMemoryConnector(WebSocketEndpoint endpoint, ILogger? logger)
    {
        _endpoint = endpoint;
        _logger = logger;
    }

    /// <summary>Dials <paramref name="address"/> (its query holds session_id, access_token and cursor).</summary>
    public async ValueTask<WebSocket> ConnectAsync(Uri address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        var upgrade = new InMemoryUpgrade(address);
        lock (_gate)
        {
            if (_stopped)
            {
                throw new WebSocketException(WebSocketError.Faulted, "The in-memory simulator has stopped.");
            }

            var serving = ServeAsync(upgrade);
            _running.Add(serving);
            serving.ContinueWith(
                static (task, state) => ((InMemoryConnector)state!).Forget(task),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return await upgrade.Outcome.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses new connections and waits for the served ones to end (the caller has cancelled them).</summary>
    public async Task StopAsync()
    {
        Task[] running;
        lock (_gate)
        {
            _stopped = true;
            running = [.. _running];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task ServeAsync(InMemoryUpgrade upgrade)
    {
        // Off the caller's stack: the endpoint's receive loop runs for the socket's lifetime.
        await Task.Yield();
        try
        {
            await _endpoint.HandleAsync(upgrade).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException or System.IO.IOException)
        {
            _logger?.LogDebug(exception, "Simulator in-memory connection stopped");
        }
        finally
        {
            upgrade.Finish();
        }
    }

    private void Forget(Task served)
    {
        lock (_gate)
        {
            _running.Remove(served);
        }
    }
}
