namespace PolyChat.Protocol;

/// <summary>Where a <see cref="TrackedMessage"/> stands. It moves from <see cref="Sending"/> to one of the two others, once.</summary>
public enum DeliveryStatus
{
    /// <summary>Not yet echoed by the server: being sent, waiting for its echo, retrying, or queued while disconnected.</summary>
    Sending,

    /// <summary>The server echoed it: the echo is the protocol's delivery receipt. Final.</summary>
    Sent,

    /// <summary>Given up; <see cref="TrackedMessage.Failure"/> and <see cref="TrackedMessage.FailureReason"/> say why. Final.</summary>
    Failed,
}
