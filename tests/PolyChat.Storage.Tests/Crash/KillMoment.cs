namespace PolyChat.Storage.Tests.Crash;

/// <summary>When, in a child's life, the parent kills it: the points of the lifecycle, plus any time at all.</summary>
public enum KillMoment
{
    /// <summary>Just after a connect, while the history is replayed and handled.</summary>
    History,

    /// <summary>Between a message's acceptance and its receipt.</summary>
    AwaitingEcho,

    /// <summary>After a chunk of a streamed reply that is not its last.</summary>
    InStream,

    /// <summary>While a gap repair (a reconnect for a replay) runs.</summary>
    Repair,

    /// <summary>At a seeded time after the start, whatever is happening.</summary>
    Anytime,
}
