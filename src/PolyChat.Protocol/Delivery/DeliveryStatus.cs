namespace PolyChat.Protocol.Delivery;

/// <summary>
/// Where a <see cref="TrackedMessage"/> stands. It moves from <see cref="Sending"/> to one of the two others, once;
/// the one exception is a sent message the server later reports lost (<see cref="DeliveryUpdateKind.Lost"/>).
/// </summary>
public enum DeliveryStatus
{
    /// <summary>Not yet echoed by the server: being sent, waiting for its echo, retrying, or queued while disconnected.</summary>
    Sending,

    /// <summary>
    /// The server echoed it: the echo is the protocol's delivery receipt. Final, unless the server reports it lost in
    /// a handoff (<see cref="DeliveryUpdateKind.Lost"/>).
    /// </summary>
    Sent,

    /// <summary>Given up; <see cref="TrackedMessage.Failure"/> and <see cref="TrackedMessage.FailureReason"/> say why. Final.</summary>
    Failed,
}
