using System;

namespace PolyChat.Protocol.Storage;

/// <summary>
/// A stored session is driven by another owner: it holds the lease (<see cref="SessionLeaseFailure.Owned"/>: wait
/// until <see cref="ExpiresAt"/>, or fail), or it took the session from the lease written under
/// (<see cref="SessionLeaseFailure.Lost"/>: this process must stop driving the session; nothing it wrote after the
/// takeover was stored).
/// </summary>
public sealed class SessionLeaseException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Why.</param>
    /// <param name="sessionId">The session.</param>
    /// <param name="owner">The owner that holds the session now, when known.</param>
    /// <param name="expiresAt">When that owner's lease expires, when known.</param>
    public SessionLeaseException(SessionLeaseFailure failure, string sessionId, string? owner, DateTimeOffset? expiresAt)
        : base(Describe(failure, sessionId, owner, expiresAt))
    {
        Failure = failure;
        SessionId = sessionId;
        Owner = owner;
        ExpiresAt = expiresAt;
    }

    /// <summary>Why.</summary>
    public SessionLeaseFailure Failure { get; }

    /// <summary>The session.</summary>
    public string SessionId { get; }

    /// <summary>The owner that holds the session now, when known.</summary>
    public string? Owner { get; }

    /// <summary>When <see cref="Owner"/>'s lease expires, when known.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    private static string Describe(SessionLeaseFailure failure, string sessionId, string? owner, DateTimeOffset? expiresAt)
    {
        var holder = owner is null ? "another owner" : $"'{owner}'";
        var until = expiresAt is { } at ? $" until {at:O}" : string.Empty;
        return failure == SessionLeaseFailure.Owned
            ? $"Session {sessionId} is driven by {holder}, whose lease runs{until}."
            : $"Session {sessionId} was taken over by {holder}{until}; this lease is no longer valid and nothing was written.";
    }
}
