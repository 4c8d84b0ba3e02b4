namespace PolyChat.Protocol.Client;

/// <summary>
/// Where a <see cref="PolyChatSession"/> stands. It moves forward through Connecting → Replaying → Live, back to
/// Reconnecting → Replaying → Live any number of times, and ends with Ending → Ended, from any phase, whatever the
/// cause (<see cref="SessionEnd"/>). Only the session's run loop moves it, except that the end can be reached from
/// <see cref="PolyChatSession.DisposeAsync"/>.
/// </summary>
internal enum SessionPhase
{
    /// <summary>Opening the first socket; <see cref="PolyChatSession.ConnectAsync"/> is waiting.</summary>
    Connecting,

    /// <summary>A socket is open and its history (the replay batches after the cursor) is being read.</summary>
    Replaying,

    /// <summary>The history is processed: the agent was asked for if needed, owed attempts went out, frames are live.</summary>
    Live,

    /// <summary>The socket dropped; waiting out the backoff or opening the next socket.</summary>
    Reconnecting,

    /// <summary>The one end path is running: timers stop, messages settle, the socket closes, the stream completes.</summary>
    Ending,

    /// <summary>Everything has stopped. Final.</summary>
    Ended,
}
