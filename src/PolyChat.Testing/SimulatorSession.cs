using System;
using System.Collections.Generic;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Sessions;

namespace PolyChat.Testing;

/// <summary>
/// A test's view of one session on a <see cref="PolyAiSimulator"/>: what the server journaled (and so sent or
/// would replay), what the client sent and how each frame was judged, and a few levers to act as the server.
/// </summary>
public sealed class SimulatorSession
{
    private readonly SimulatedSession _session;

    internal SimulatorSession(SimulatedSession session) => _session = session;

    /// <summary>The session id, as <c>POST /api/v1/sessions</c> returned it.</summary>
    public string Id => _session.Id;

    /// <summary>The concrete answers this session gives where the docs are open (a draw, for <see cref="ServerBehavior.Random(int)"/>).</summary>
    public ServerBehavior Behavior => _session.Behavior;

    /// <summary>Whether the session ended (or expired): its handshake now answers <c>session not found</c>.</summary>
    public bool IsEnded => _session.IsEnded;

    /// <summary>How many sockets are open on the session now.</summary>
    public int OpenSockets => _session.OpenSockets;

    /// <summary>Whether the client's streaming choice at creation was on.</summary>
    public bool StreamingEnabled => _session.Settings.StreamingEnabled;

    /// <summary>
    /// Every event in the session's history, with ids and sequences, oldest first: the server events and the
    /// echoes, exactly as a full replay would carry them. Transient events (typing) and errors without a
    /// sequence are not in it.
    /// </summary>
    public IReadOnlyList<Event> Journal => _session.History(0);

    /// <summary>Every frame a client sent to the session, oldest first, with its flags, error and echo.</summary>
    public IReadOnlyList<ReceivedClientFrame> ReceivedFrames => _session.ReceivedFrames();

    /// <summary>The echoes the server sent, one per accepted echoed frame, oldest first.</summary>
    public IReadOnlyList<Event> Echoes
    {
        get
        {
            var echoes = new List<Event>();
            foreach (var frame in _session.ReceivedFrames())
            {
                if (frame.Echo is { } echo)
                {
                    echoes.Add(echo);
                }
            }

            return echoes;
        }
    }

    /// <summary>
    /// Publishes a server event as the server would: stamped, journaled unless transient, and sent to every
    /// open socket. Use it to script what the agent or the live agent says beyond the built-in script.
    /// </summary>
    /// <param name="serverEvent">The event; its id, sequence and timestamp are assigned here.</param>
    /// <returns>The event as sent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serverEvent"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The session has ended.</exception>
    public Event Publish(Event serverEvent)
    {
        ArgumentNullException.ThrowIfNull(serverEvent);
        lock (_session.Gate)
        {
            if (_session.IsEnded)
            {
                throw new InvalidOperationException($"Session {Id} has ended.");
            }

            return _session.Publish(serverEvent);
        }
    }

    /// <summary>Ends the session from the server side: <c>SESSION_END</c> with the reason, then a 1000 close (per the behaviour).</summary>
    /// <param name="reason">The reason; <see cref="SessionEndReason.NaturalEnd"/> when null.</param>
    public void End(SessionEndReason? reason = null) => _session.End(reason ?? SessionEndReason.NaturalEnd);

    /// <summary>
    /// Refuses the session's next handshakes with an HTTP status, once the documented checks (§5e) have passed: a
    /// 429 or 5xx from an overloaded gateway, or a 404 from a server that lost the session.
    /// </summary>
    /// <param name="statusCode">The status to answer, 400 to 599.</param>
    /// <param name="count">How many handshakes in a row to refuse.</param>
    /// <exception cref="ArgumentOutOfRangeException">The status is not an error status, or the count is negative.</exception>
    public void RefuseHandshakes(int statusCode, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _session.RefuseHandshakes(statusCode, count);
    }

    /// <summary>
    /// Drops every open socket of the session now, without a close handshake (a network loss): frames already
    /// queued are sent first. The session lives on, so the client may reconnect with its cursor.
    /// </summary>
    public void DropConnections() => _session.DropConnections();

    /// <inheritdoc/>
    public override string ToString() => $"SimulatorSession({Id}, {Behavior.Name}{(IsEnded ? ", ended" : string.Empty)})";
}
