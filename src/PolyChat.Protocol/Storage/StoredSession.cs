using System;
using System.Collections.Generic;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Storage;

/// <summary>A session's durable state, as <see cref="ISessionStore.AcquireAsync"/> and <see cref="ISessionStore.ReadAsync"/> read it.</summary>
public sealed record StoredSession
{
    /// <summary>The PolyAI session id.</summary>
    public required string SessionId { get; init; }

    /// <summary>The lease granted by <see cref="ISessionStore.AcquireAsync"/>; null when read without one.</summary>
    public SessionLease? Lease { get; init; }

    /// <summary>Whether <see cref="ISessionStore.AcquireAsync"/> created the session just now.</summary>
    public bool IsNew { get; init; }

    /// <summary>Who holds the lease (null when nobody has one).</summary>
    public string? Owner { get; init; }

    /// <summary>When <see cref="Owner"/>'s lease expires.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>The highest sequence the application handled: where a resumed session reconnects from.</summary>
    public long Cursor { get; init; }

    /// <summary>The capabilities from <c>SESSION_START</c>, once handled.</summary>
    public Capabilities? Capabilities { get; init; }

    /// <summary>Whether the agent joined, or the echo of its join request was handled (a resumed session does not ask again).</summary>
    public bool AgentJoined { get; init; }

    /// <summary>Why the session ended, once its <c>SESSION_END</c> was handled; null while it runs.</summary>
    public string? EndReason { get; init; }

    /// <summary>The most recent handled events, oldest first.</summary>
    public IReadOnlyList<HandledEvent> RecentEvents { get; init; } = [];

    /// <summary>The handled chunks of replies still open, in the order they were handled.</summary>
    public IReadOnlyList<StreamChunk> OpenChunks { get; init; } = [];

    /// <summary>The most recent messages that settled, oldest first: a send repeated with one of these ids is not sent again.</summary>
    public IReadOnlyList<SettledMessage> RecentlySettled { get; init; } = [];

    /// <summary>Messages accepted and not settled, in the order they were accepted.</summary>
    public IReadOnlyList<OutboxEntry> Outbox { get; init; } = [];

    /// <summary>When the session was first stored.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the session was last written.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
