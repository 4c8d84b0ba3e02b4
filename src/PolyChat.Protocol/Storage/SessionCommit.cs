using System.Collections.Generic;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Storage;

/// <summary>What one <see cref="ISessionStore.CommitAsync"/> stores: the events handled and the messages settled since the last commit.</summary>
public sealed class SessionCommit
{
    /// <summary>The cursor: the highest sequence the application handled. The store never lowers it.</summary>
    public long Cursor { get; init; }

    /// <summary>Events handled, oldest first, for the recent-id window.</summary>
    public IReadOnlyList<HandledEvent> Handled { get; init; } = [];

    /// <summary>How many of the most recent handled events, and of the most recent settled messages, are kept.</summary>
    public int RecentWindow { get; init; } = 256;

    /// <summary>
    /// Outbox entries that settled (sent or failed): they leave the outbox, and their ids stay known among the most
    /// recent <see cref="RecentWindow"/> messages.
    /// </summary>
    public IReadOnlyList<SettledMessage> Settled { get; init; } = [];

    /// <summary>The capabilities from <c>SESSION_START</c>, when they are new; null leaves them as stored.</summary>
    public Capabilities? Capabilities { get; init; }

    /// <summary>True when the agent joined, or the echo of its join request was handled, since the last commit; false leaves it as stored.</summary>
    public bool AgentJoined { get; init; }

    /// <summary>Why the session ended, when it did (its <c>SESSION_END</c> was handled); null leaves it as stored.</summary>
    public string? EndReason { get; init; }

    /// <summary>Streamed replies completed (or given up) since the last commit: their stored chunks are removed.</summary>
    public IReadOnlyList<string> CompletedStreams { get; init; } = [];

    /// <summary>Chunks of replies still open, handled since the last commit: added.</summary>
    public IReadOnlyList<StreamChunk> OpenChunks { get; init; } = [];

    /// <summary>Whether the commit changes nothing.</summary>
    public bool IsEmpty =>
        Handled.Count == 0 && Settled.Count == 0 && Capabilities is null && !AgentJoined && EndReason is null
        && CompletedStreams.Count == 0 && OpenChunks.Count == 0;
}
