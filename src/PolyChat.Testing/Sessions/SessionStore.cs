using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Threading;

namespace PolyChat.Testing.Sessions;

/// <summary>
/// All sessions of one simulator, by id: every live session and the latest ended ones
/// (<see cref="SimulatorOptions.RetainedEndedSessions"/>), so memory follows the live sessions, not the run's length.
/// </summary>
internal sealed class SessionStore : IDisposable
{
    private readonly ConcurrentDictionary<string, SimulatedSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SimulatedSession> _ended = new();
    private readonly SimulatorOptions _options;
    private int _created;

    public SessionStore(SimulatorOptions options) => _options = options;

    public SimulatedSession Create(string accessToken, SessionSettings settings)
    {
        var session = new SimulatedSession(Guid.NewGuid().ToString(), accessToken, settings, _options, Interlocked.Increment(ref _created), OnEnded);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>Every session still held, in the order they were created.</summary>
    public IReadOnlyList<SimulatedSession> All => [.. _sessions.Values.OrderBy(session => session.Ordinal)];

    public bool TryGet(string id, [NotNullWhen(true)] out SimulatedSession? session) => _sessions.TryGetValue(id, out session);

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }
    }

    // Called once per session, after SESSION_END is journaled (by the client, the agent or expiry).
    private void OnEnded(SimulatedSession session)
    {
        _ended.Enqueue(session);
        while (_ended.Count > _options.RetainedEndedSessions && _ended.TryDequeue(out var oldest))
        {
            _sessions.TryRemove(oldest.Id, out _);
            oldest.Dispose();
        }
    }
}
