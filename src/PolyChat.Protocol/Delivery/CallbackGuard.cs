using System;

namespace PolyChat.Protocol.Delivery;

/// <summary>Which exceptions a callback that must not throw (a timer callback, an update handler) may swallow.</summary>
internal static class CallbackGuard
{
    /// <summary>
    /// Whether the exception can be caught and dropped: everything but those that leave the process in an unknown
    /// state. On the system timer an escaping exception would take the process down.
    /// </summary>
    public static bool IsRecoverable(Exception exception) =>
        exception is not (OutOfMemoryException or StackOverflowException or AccessViolationException);
}
