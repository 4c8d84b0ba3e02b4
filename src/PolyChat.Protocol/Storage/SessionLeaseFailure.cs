namespace PolyChat.Protocol.Storage;

/// <summary>Why a <see cref="SessionLeaseException"/> was thrown.</summary>
public enum SessionLeaseFailure
{
    /// <summary>Another owner holds a lease on the session that has not expired.</summary>
    Owned,

    /// <summary>The lease written under is no longer the session's: another owner took the session since.</summary>
    Lost,
}
