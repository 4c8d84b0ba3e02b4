using System;
using PolyChat.Protocol.Delivery;

namespace PolyChat.Protocol.Client;

/// <summary>
/// Why a session ended, as the one end path needs it: the reason pending messages fail with, and the error the
/// event stream ends with (none for a normal end).
/// </summary>
/// <param name="Kind">Which kind of end.</param>
/// <param name="Reason">Why, in words: what each pending message's <see cref="TrackedMessage.FailureReason"/> says.</param>
/// <param name="Error">The stream's error; null when it completes normally.</param>
internal sealed record SessionEnd(SessionEndKind Kind, string Reason, Exception? Error = null)
{
    /// <summary>The server sent <c>SESSION_END</c>, delivered last (§3a, §4a).</summary>
    public static SessionEnd Ended(string reason) => new(SessionEndKind.Ended, $"the session ended ({reason})");

    /// <summary>The server closed the session, or it ended as the application asked, without a <c>SESSION_END</c>.</summary>
    public static SessionEnd Closed(string reason) => new(SessionEndKind.Closed, reason);

    /// <summary>The session cannot go on; the stream throws <paramref name="error"/>.</summary>
    public static SessionEnd Failed(Exception error) => new(SessionEndKind.Failed, error.Message, error);

    /// <summary>The application disposed the session.</summary>
    public static SessionEnd Disposed { get; } = new(SessionEndKind.Disposed, "the session was disposed");
}

/// <summary>The kinds of <see cref="SessionEnd"/>.</summary>
internal enum SessionEndKind
{
    /// <summary><c>SESSION_END</c> arrived.</summary>
    Ended,

    /// <summary>A normal close without <c>SESSION_END</c>.</summary>
    Closed,

    /// <summary>An error ends the session.</summary>
    Failed,

    /// <summary><see cref="PolyChatSession.DisposeAsync"/>.</summary>
    Disposed,
}
