using System;
using System.Collections.Generic;
using System.Threading;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Agent;
using PolyChat.Testing.WebSockets;

namespace PolyChat.Testing.Sessions;

/// <summary>
/// One chat session: its journal, its open sockets, the frames its clients sent and its conversation state.
/// Every change happens under <see cref="Gate"/>, so sequences, journal order and the order each socket
/// receives events all agree.
/// </summary>
internal sealed class SimulatedSession : IDisposable
{
    private readonly List<SocketConnection> _connections = [];
    private readonly EventJournal _journal = new();
    private readonly List<ReceivedClientFrame> _received = [];
    private readonly Dictionary<string, Event> _echoesByClientEventId = new(StringComparer.Ordinal);
    private readonly HashSet<string> _emptyPayloadIds = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _expiry;
    private readonly int _maxConnections;
    private readonly ITimer _expiryTimer;
    private readonly Random _random;
    private DateTimeOffset _lastActivity;
    private int _reservedSlots;
    private int _acceptedSockets;
    private int _drops;
    private readonly Action<SimulatedSession> _onEnded;
    private readonly Queue<int> _refusals = new();

    public SimulatedSession(string id, string accessToken, SessionSettings settings, SimulatorOptions options, int ordinal, Action<SimulatedSession> onEnded)
    {
        Id = id;
        Ordinal = ordinal;
        _onEnded = onEnded;
        AccessToken = accessToken;
        Settings = settings;
        Behavior = options.Behavior.ForSession(ordinal);
        _random = new Random(Behavior.SessionSeed(ordinal));
        _time = options.TimeProvider;
        _expiry = options.SessionExpiry;
        _maxConnections = options.MaxConnectionsPerSession;
        _lastActivity = _time.GetUtcNow();

        // SESSION_START is the session's first event, so it opens every full replay.
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
        if (Behavior.LenientShapesInReplay)
        {
            // In history only (no socket is open yet), and replayed with "payload": {}.
            var empty = Publish(new PolyAgentMessageEvent(new PolyAgentMessagePayload { MessageId = string.Empty, Text = string.Empty }));
            _emptyPayloadIds.Add(empty.Id!);
        }

        _expiryTimer = _time.CreateTimer(static state => ((SimulatedSession)state!).Abandon(), this, _expiry, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Serialises every change to the session.</summary>
    public Lock Gate { get; } = new();

    public string Id { get; }

    /// <summary>1 for the simulator's first session, 2 for the next, and so on.</summary>
    public int Ordinal { get; }

    /// <summary>The access token that created the session; only it may open sockets.</summary>
    public string AccessToken { get; }

    public SessionSettings Settings { get; }

    /// <summary>The concrete answers this session gives where the docs are open.</summary>
    public ServerBehavior Behavior { get; }

    public ConversationState State { get; set; }

    /// <summary>Whether SESSION_END has been journaled; nothing is published after it.</summary>
    public bool IsEnded { get; private set; }

    /// <summary>How many sockets are open (or being opened) now.</summary>
    public int OpenSockets
    {
        get
        {
            lock (Gate)
            {
                return _reservedSlots;
            }
        }
    }

    /// <summary>
    /// Whether the session is gone for a handshake: ended, or expired after <see cref="SimulatorOptions.SessionExpiry"/>
    /// without a client frame (PROTOCOL.md §4b, §5e). An expiry the timer has not yet acted on is applied here.
    /// </summary>
    public bool IsGone()
    {
        lock (Gate)
        {
            if (!IsEnded && _time.GetUtcNow() - _lastActivity >= _expiry)
            {
                Abandon();
            }

            return IsEnded;
        }
    }

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

    /// <summary>The ordinal of the next accepted socket (1 for the first).</summary>
    public int NextSocketOrdinal()
    {
        lock (Gate)
        {
            return ++_acceptedSockets;
        }
    }

    /// <summary>Makes the next <paramref name="count"/> handshakes that pass the §5e checks answer <paramref name="status"/>.</summary>
    public void RefuseHandshakes(int status, int count)
    {
        lock (Gate)
        {
            for (var i = 0; i < count; i++)
            {
                _refusals.Enqueue(status);
            }
        }
    }

    /// <summary>The status an injected refusal answers the next handshake with, or null to let it through.</summary>
    public int? TakeHandshakeRefusal()
    {
        lock (Gate)
        {
            return _refusals.TryDequeue(out var status) ? status : null;
        }
    }

    /// <summary>Drops every open socket without a close, once what is queued on it has been sent.</summary>
    public void DropConnections()
    {
        lock (Gate)
        {
            foreach (var connection in _connections)
            {
                connection.EnqueueDrop();
            }

            _connections.Clear();
        }
    }

    /// <summary>Queues the replay after <paramref name="cursor"/> on a new socket, then joins it to live delivery.</summary>
    public void Attach(SocketConnection connection, long cursor)
    {
        lock (Gate)
        {
            connection.ReplayBatchDelay = Behavior.ReplayBatchDelay;
            connection.EnqueueReplay(ReplayWriter.Write(_journal.After(cursor), _journal.First, Behavior, _random, _emptyPayloadIds));
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

    /// <summary>Records client activity: any inbound frame, heartbeats included, restarts the expiry timer.</summary>
    public void Touch()
    {
        lock (Gate)
        {
            _lastActivity = _time.GetUtcNow();
            if (!IsEnded)
            {
                _expiryTimer.Change(_expiry, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Keeps a received client frame for inspection.</summary>
    public void Record(ReceivedClientFrame frame)
    {
        lock (Gate)
        {
            _received.Add(frame);
        }
    }

    /// <summary>The frames clients sent, oldest first.</summary>
    public IReadOnlyList<ReceivedClientFrame> ReceivedFrames()
    {
        lock (Gate)
        {
            return _received.ToArray();
        }
    }

    /// <summary>Whether a USER_MESSAGE with this client_event_id was received before (the caller holds the gate).</summary>
    public bool TryGetEcho(string clientEventId, out Event echo) => _echoesByClientEventId.TryGetValue(clientEventId, out echo!);

    /// <summary>Remembers the first echo of a client_event_id (the caller holds the gate).</summary>
    public void RememberEcho(string clientEventId, Event echo) => _echoesByClientEventId.TryAdd(clientEventId, echo);

    /// <summary>
    /// Stamps an event, journals it unless transient, and queues it on every open socket, unless
    /// <paramref name="live"/> is false. The behaviour may skip sequence numbers or drop the sockets first.
    /// </summary>
    public Event Publish(Event value, Metadata? metadata = null, bool live = true)
    {
        lock (Gate)
        {
            var stamped = Stamp(value, metadata);
            if (!stamped.IsTransient)
            {
                var skip = _journal.Count > 0 && Behavior.SequenceHoleRate > 0 && _random.NextDouble() < Behavior.SequenceHoleRate ? _random.Next(1, 4) : 0;
                stamped = _journal.Append(stamped, skip);
            }

            if (!live || _connections.Count == 0)
            {
                return stamped;
            }

            if (Behavior.DropRate > 0 && _drops < Behavior.MaxDropsPerSession && stamped is not (UserEndSessionEvent or SessionEndEvent)
                && _random.NextDouble() < Behavior.DropRate)
            {
                // The event stays journaled: only a cursor reconnect brings it to the client.
                _drops++;
                foreach (var connection in _connections)
                {
                    connection.EnqueueDrop();
                }

                _connections.Clear();
                return stamped;
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
    public Event SendPrivately(SocketConnection connection, Event value, Metadata? metadata)
    {
        lock (Gate)
        {
            var stamped = Stamp(value, metadata);
            connection.EnqueueLive(stamped);
            return stamped;
        }
    }

    /// <summary>Publishes SESSION_END and closes every socket with 1000 once it has been sent (or at once, by behaviour).</summary>
    public void End(SessionEndReason reason)
    {
        lock (Gate)
        {
            if (IsEnded)
            {
                return;
            }

            Publish(new SessionEndEvent(new SessionEndPayload { Reason = reason }), live: Behavior.SendSessionEndBeforeClose);
            IsEnded = true;
            foreach (var connection in _connections)
            {
                connection.EnqueueClose();
            }

            _connections.Clear();
            _expiryTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _onEnded(this);
    }

    /// <summary>The journaled events after <paramref name="cursor"/>, for inspection.</summary>
    public IReadOnlyList<Event> History(long cursor)
    {
        lock (Gate)
        {
            return _journal.After(cursor);
        }
    }

    public void Dispose() => _expiryTimer.Dispose();

    // Expiry: the connection goes first, and the session ends "eventually" with nobody watching, so
    // SESSION_END(REASON_USER_ABANDONED) reaches the journal but no socket (PROTOCOL.md §4a step 8).
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
