using System;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Storage;

namespace PolyChat.Orleans.Tests;

/// <summary>
/// One silo's process, as far as its chats can tell: its sockets to PolyAI and its connections to the store. Silos in a
/// TestCluster share one process, so stopping a silo without grace leaves its chats' sessions running; <see cref="Kill"/>
/// makes the silo as dead to the outside as SIGKILL would: every socket aborted, no new one, no store call succeeds
/// (so its leases are not renewed, not released, and expire), and no grain call leaves it (ChatSiloConfigurator).
/// </summary>
internal sealed class SiloFate
{
    private readonly ConcurrentDictionary<WebSocket, bool> _sockets = new();
    private volatile bool _dead;

    public SiloFate()
    {
        Store = new FatedSessionStore(ChatWorld.Current.Store, this);
    }

    public bool IsDead => _dead;

    public ISessionStore Store { get; }

    public void Kill()
    {
        _dead = true;
        foreach (var socket in _sockets.Keys)
        {
            socket.Abort();
        }
    }

    public void ThrowIfDead()
    {
        if (_dead)
        {
            throw new InvalidOperationException("This silo's process is dead.");
        }
    }

    /// <summary>The options a chat's owner on this silo connects with: the simulator, a short retry schedule.</summary>
    public ValueTask<SessionOptions> CreateOptionsAsync(string sessionId, StorageOptions storage, CancellationToken cancellationToken)
    {
        var world = ChatWorld.Current;
        if (world.Defaults)
        {
            return ValueTask.FromResult(new SessionOptions
            {
                WebSocketAddress = world.WebSocketAddress,
                SessionId = sessionId,
                AccessToken = world.Tokens[sessionId],
                Storage = storage,
            });
        }

        return ValueTask.FromResult(new SessionOptions
        {
            WebSocketAddress = world.WebSocketAddress,
            SessionId = sessionId,
            AccessToken = world.Tokens[sessionId],
            Storage = storage,
            WebSocketFactory = ConnectAsync,

            // Attempts at 0, 1, 2 and 4 s, failed at 7 s (ClusterVerdict.Deadline).
            Delivery = new DeliveryOptions { RetryDelay = TimeSpan.FromSeconds(1) },
            InitialReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
            GapReconnectDelay = TimeSpan.FromMilliseconds(100),
            MaxReconnectAttempts = 40,
        });
    }

    private async ValueTask<WebSocket> ConnectAsync(Uri address, CancellationToken cancellationToken)
    {
        if (_dead)
        {
            throw new WebSocketException("This silo's process is dead.");
        }

        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(address, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _sockets[socket] = true;
        if (_dead)
        {
            socket.Abort();
        }

        return socket;
    }
}
