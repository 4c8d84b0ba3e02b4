using System;

namespace PolyChat.Protocol.Storage;

/// <summary>
/// The right to write a stored session, granted by <see cref="ISessionStore.AcquireAsync"/>: every write names it, and
/// the store refuses one whose <see cref="Token"/> is no longer the session's (a fencing token).
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="Owner">Who holds it.</param>
/// <param name="Token">The fencing token: higher for every grant of the session.</param>
/// <param name="Duration">How long each write or renewal extends it.</param>
public readonly record struct SessionLease(string SessionId, string Owner, long Token, TimeSpan Duration);
