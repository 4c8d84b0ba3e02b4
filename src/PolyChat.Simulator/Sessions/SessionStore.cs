using System;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace PolyChat.Simulator.Sessions;

/// <summary>All sessions of one simulator, by id.</summary>
internal sealed class SessionStore : IDisposable
{
    private readonly ConcurrentDictionary<string, SimulatedSession> _sessions = new(StringComparer.Ordinal);
    private readonly SimulatorOptions _options;

    public SessionStore(SimulatorOptions options) => _options = options;

    public SimulatedSession Create(string accessToken, SessionSettings settings)
    {
        var session = new SimulatedSession(Guid.NewGuid().ToString(), accessToken, settings, _options);
        _sessions[session.Id] = session;
        return session;
    }

    public bool TryGet(string id, [NotNullWhen(true)] out SimulatedSession? session) => _sessions.TryGetValue(id, out session);

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }
    }
}
