using System;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// Settings for a <see cref="DeliveryTracker"/>. Each property is validated when it is set, so an options
/// instance is always usable. The defaults follow PolyAI's advice: retry when no echo arrives within about
/// 5 seconds, up to 3 retries with growing delays
/// (<see href="https://docs.poly.ai/api-reference/messaging/best-practices">best practices</see>).
/// </summary>
/// <remarks>
/// The schedule is the docs' receipt algorithm (PROTOCOL.md §2): the first wait, after the send, is
/// <see cref="RetryDelay"/>; after retry n the wait is <see cref="RetryDelay"/> × n. With the defaults the send
/// goes at 0 s, retries at 5 s, 10 s and 20 s, and the message fails at 35 s if still no echo. An echo at any
/// point settles the message as sent and stops the schedule. The instants count from the moment the message was
/// accepted and do not move with the link: an attempt that falls due while disconnected goes out on the next
/// connection, if the deadline has not passed.
/// </remarks>
public sealed class DeliveryOptions
{
    /// <summary>The largest value accepted for <see cref="MaxPending"/> and <see cref="SettledWindow"/>: 65,536.</summary>
    public const int MaxCapacity = 1 << 16;

    /// <summary>The largest value accepted for <see cref="MaxRetries"/>: 100.</summary>
    public const int MaxRetriesLimit = 100;


    /// <summary>
    /// Gets the unit of the retry schedule: after the send the tracker waits <c>RetryDelay</c> for the echo,
    /// and after retry n it waits <c>RetryDelay × n</c> before the next attempt (or, after the last retry,
    /// before failing). Default 5 seconds; more than zero and at most one day.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range.</exception>
    public TimeSpan RetryDelay { get; init => field = OptionRules.Positive(value, TimeSpan.FromDays(1)); } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets how long after a transient ERROR system message tied to a pending message the message is re-sent
    /// (<see cref="SystemErrorKind.Transient"/>; PROTOCOL.md §6: "retry after 2–5 s"). Default 3 seconds, inside
    /// the documented range and fixed, so the schedule is deterministic; more than zero and at most one day. The
    /// re-send counts as one of the <see cref="MaxRetries"/>, so a server that stays overloaded still ends the
    /// message as failed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range.</exception>
    public TimeSpan TransientErrorDelay { get; init => field = OptionRules.Positive(value, TimeSpan.FromDays(1)); } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Gets how many times a message is re-sent, with the same <c>client_event_id</c>, when no echo arrives.
    /// Default 3; from 0 (send once, then fail) to <see cref="MaxRetriesLimit"/>. The count and the deadline hold
    /// across reconnects: a message is sent at most <c>MaxRetries + 1</c> times in all, whatever the link does.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range.</exception>
    public int MaxRetries { get; init => field = OptionRules.InRange(value, 0, MaxRetriesLimit); } = 3;

    /// <summary>
    /// Gets how many messages may wait for their echo at once, including those queued while disconnected.
    /// Default 256; from 1 to <see cref="MaxCapacity"/>. Sending one more throws
    /// <see cref="PendingLimitExceededException"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range.</exception>
    public int MaxPending { get; init => field = OptionRules.InRange(value, 1, MaxCapacity); } = 256;

    /// <summary>
    /// Gets how many recently settled messages are remembered, so that an echo arriving after a message settled
    /// is still recognised (<see cref="EchoMatch.ExtraCopy"/>, <see cref="EchoMatch.LateEcho"/>). Default 128;
    /// from 0 to <see cref="MaxCapacity"/>. The oldest are forgotten first; an echo of a forgotten message is
    /// reported as <see cref="EchoMatch.None"/>. The window keeps each message (with its sent event and echo)
    /// alive until it is forgotten.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range.</exception>
    public int SettledWindow { get; init => field = OptionRules.InRange(value, 0, MaxCapacity); } = 128;
}
