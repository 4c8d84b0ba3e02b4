using System;
using System.Collections.Concurrent;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Storage;

namespace PolyChat.Orleans.Tests;

/// <summary>
/// What every silo of a test cluster shares: the session store and the simulator's chats. TestCluster creates silo
/// configurators by type, so they find the running test's world here; the tests that use it run one at a time
/// (one collection).
/// </summary>
internal sealed class ChatWorld(ISessionStore store, Uri webSocketAddress, bool defaults = false)
{
    private static volatile ChatWorld? _current;

    public static ChatWorld Current
    {
        get => _current ?? throw new InvalidOperationException("No test has set up a chat world.");
        set => _current = value;
    }

    public ISessionStore Store { get; } = store;

    public Uri WebSocketAddress { get; } = webSocketAddress;

    /// <summary>Chats run with the package's and the session's default timings (the measured run), not the tests' short ones.</summary>
    public bool Defaults { get; } = defaults;

    /// <summary>Each chat's access token, as the app's backend would fetch one for a starting owner.</summary>
    public ConcurrentDictionary<string, AccessToken> Tokens { get; } = new(StringComparer.Ordinal);
}
