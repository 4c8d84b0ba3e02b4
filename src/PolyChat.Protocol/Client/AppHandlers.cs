using System;
using PolyChat.Protocol.Delivery;

namespace PolyChat.Protocol.Client;

/// <summary>
/// Raises the application's event handlers so that none of them can stop the session: each handler of a multicast
/// delegate runs on its own, and what one throws is reported (the session logs it) and the rest run on.
/// </summary>
internal static class AppHandlers
{
    /// <summary>Calls each handler with <paramref name="args"/>; a handler's exception goes to <paramref name="failed"/>.</summary>
    /// <param name="handlers">The event's delegate; null when nobody subscribed.</param>
    /// <param name="sender">The sender handlers see.</param>
    /// <param name="args">The event data.</param>
    /// <param name="eventName">The event's name, for the report.</param>
    /// <param name="failed">Told of each handler's exception, with the event's name; must not throw.</param>
    public static void Raise<T>(EventHandler<T>? handlers, object sender, T args, string eventName, Action<string, Exception> failed)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<T>)handler)(sender, args);
            }
            catch (Exception exception) when (CallbackGuard.IsRecoverable(exception))
            {
                failed(eventName, exception);
            }
        }
    }
}
