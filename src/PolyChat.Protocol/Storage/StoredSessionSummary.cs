using System;

namespace PolyChat.Protocol.Storage;

/// <summary>One line of <see cref="ISessionStore.ListAsync"/>.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Cursor">The stored cursor.</param>
/// <param name="Owner">Who holds the lease, if anyone.</param>
/// <param name="LeaseExpiresAt">When that lease expires.</param>
/// <param name="OutboxSize">How many messages await their echo.</param>
/// <param name="EndReason">Why the session ended; null while it runs.</param>
/// <param name="UpdatedAt">When it was last written.</param>
public sealed record StoredSessionSummary(
    string SessionId, long Cursor, string? Owner, DateTimeOffset? LeaseExpiresAt, int OutboxSize, string? EndReason, DateTimeOffset UpdatedAt);
