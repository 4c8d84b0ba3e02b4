using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;

namespace PolyChat.Simulator.Sessions;

/// <summary>All sessions of one simulator, by id.</summary>
internal sealed class SessionStore : IDisposable
{
    private readonly ConcurrentDictionary<string, SimulatedSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SimulatedSession> _order = new();
    private readonly SimulatorOptions _options;
    private int _created;

    public SessionStore(SimulatorOptions options) => _options = options;

    public SimulatedSession Create(string accessToken, SessionSettings settings)
    {
        var session = new SimulatedSession(Guid.NewGuid().ToString(), accessToken, settings, _options, Interlocked.Increment(ref _created));
        _order.Enqueue(session);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>Every session, in the order they were created.</summary>
    public IReadOnlyList<SimulatedSession> All => [.. _order];

    public bool TryGet(string id, [NotNullWhen(true)] out SimulatedSession? session) => _sessions.TryGetValue(id, out session);

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }
    }
}
