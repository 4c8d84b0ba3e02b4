using System;
using System.Collections.Generic;
using System.Threading;
using PolyChat.Protocol.Events;
using PolyChat.Simulator.Agent;
using PolyChat.Simulator.WebSockets;

namespace PolyChat.Simulator.Sessions;

/// <summary>
/// One chat session: its journal, its open sockets and its conversation state. Every change happens under
/// <see cref="Gate"/>, so sequences, journal order and the order each socket receives events all agree.
/// </summary>
internal sealed class SimulatedSession : IDisposable
{
    private readonly List<SocketConnection> _connections = [];
    private readonly EventJournal _journal = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _idleTimeout;
    private readonly int _maxConnections;
    private readonly ITimer _idleTimer;
    private int _reservedSlots;

    public SimulatedSession(string id, string accessToken, SessionSettings settings, SimulatorOptions options)
    {
        Id = id;
        AccessToken = accessToken;
        Settings = settings;
        _time = options.TimeProvider;
        _idleTimeout = options.IdleTimeout;
        _maxConnections = options.MaxConnectionsPerSession;

        // SESSION_START is the session's first event, so it is sequence 1 and opens every full replay.
        Publish(new SessionStartEvent(new SessionStartPayload
        {
            Capabilities = new Capabilities
            {
                Streaming = settings.StreamingEnabled,
                MaxMessageSizeBytes = options.MaxMessageSizeBytes,
                MaxReconnectAttempts = options.MaxReconnectAttempts,
                HeartbeatIntervalSeconds = options.HeartbeatIntervalSeconds,
            },
        }));
        _idleTimer = _time.CreateTimer(static state => ((SimulatedSession)state!).Abandon(), this, _idleTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Serialises every change to the session.</summary>
    public Lock Gate { get; } = new();

    public string Id { get; }

    /// <summary>The access token that created the session; only it may open sockets.</summary>
    public string AccessToken { get; }

    public SessionSettings Settings { get; }

    public ConversationState State { get; set; }

    /// <summary>Whether SESSION_END has been journaled; nothing is published after it.</summary>
    public bool IsEnded { get; private set; }

    /// <summary>Claims a socket slot before the upgrade is accepted; false when the session is full.</summary>
    public bool TryReserveSlot()
    {
        lock (Gate)
        {
            if (_reservedSlots >= _maxConnections)
            {
                return false;
            }

            _reservedSlots++;
            return true;
        }
    }

    /// <summary>Gives back a slot claimed by <see cref="TryReserveSlot"/>.</summary>
    public void ReleaseSlot(SocketConnection? connection)
    {
        lock (Gate)
        {
            if (connection is not null)
            {
                _connections.Remove(connection);
            }

            _reservedSlots--;
        }
    }

    /// <summary>Queues the replay after <paramref name="cursor"/> on a new socket, then joins it to live delivery.</summary>
    public void Attach(SocketConnection connection, long cursor)
    {
        lock (Gate)
        {
            connection.EnqueueBatch(_journal.After(cursor));
            if (IsEnded)
            {
                connection.EnqueueClose();
            }
            else
            {
                _connections.Add(connection);
            }
        }
    }

    /// <summary>Records client activity: any inbound frame, heartbeats included, restarts the idle timer.</summary>
    public void Touch() => _idleTimer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);

    /// <summary>Stamps an event, journals it unless transient, and queues it on every open socket.</summary>
    public Event Publish(Event value, Metadata? metadata = null)
    {
        lock (Gate)
        {
            var stamped = Stamp(value, metadata);
            if (!stamped.IsTransient)
            {
                stamped = _journal.Append(stamped);
            }

            foreach (var connection in _connections)
            {
                connection.EnqueueLive(stamped);
            }

            return stamped;
        }
    }

    /// <summary>
    /// Sends an event to one socket only, without a sequence and without journaling it: used for errors caused
    /// by that socket's frame, which other sockets never see (so they cannot see a gap either).
    /// </summary>
    public void SendPrivately(SocketConnection connection, Event value, Metadata? metadata)
    {
        lock (Gate)
        {
            connection.EnqueueLive(Stamp(value, metadata));
        }
    }

    /// <summary>Publishes SESSION_END and closes every socket with 1000 once it has been sent.</summary>
    public void End(SessionEndReason reason)
    {
        lock (Gate)
        {
            if (IsEnded)
            {
                return;
            }

            Publish(new SessionEndEvent(new SessionEndPayload { Reason = reason }));
            IsEnded = true;
            foreach (var connection in _connections)
            {
                connection.EnqueueClose();
            }

            _connections.Clear();
            _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The journaled events after <paramref name="cursor"/>, for inspection.</summary>
    public IReadOnlyList<Event> History(long cursor)
    {
        lock (Gate)
        {
            return _journal.After(cursor);
        }
    }

    public void Dispose() => _idleTimer.Dispose();

    // Idle timeout: the connection goes first, and the session ends "eventually" with nobody watching, so
    // SESSION_END(REASON_USER_ABANDONED) reaches the journal but no socket.
    private void Abandon()
    {
        lock (Gate)
        {
            if (IsEnded)
            {
                return;
            }

            foreach (var connection in _connections)
            {
                connection.EnqueueClose();
            }

            _connections.Clear();
            End(SessionEndReason.UserAbandoned);
        }
    }

    private Event Stamp(Event value, Metadata? metadata)
    {
        var now = _time.GetUtcNow();
        return value with
        {
            Id = Guid.CreateVersion7(now).ToString(),
            Sequence = null,
            Timestamp = now,
            Metadata = metadata ?? value.Metadata,
            // Strict on output: a client's stray envelope fields are not echoed back.
            AdditionalProperties = null,
        };
    }
}
