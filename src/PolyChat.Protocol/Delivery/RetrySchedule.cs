using System;

namespace PolyChat.Protocol;

/// <summary>
/// The receipt schedule of PROTOCOL.md §2: after the send the tracker waits <see cref="DeliveryOptions.RetryDelay"/>
/// for the echo, and after retry n it waits <see cref="DeliveryOptions.RetryDelay"/> × n before the next attempt or,
/// after the last of <see cref="DeliveryOptions.MaxRetries"/>, before failing. With the defaults: sends at 0 s,
/// retries at 5, 10 and 20 s, failed at 35 s. A transient server error (§6) brings the next attempt forward to
/// <see cref="DeliveryOptions.TransientErrorDelay"/> from now.
/// </summary>
internal sealed class RetrySchedule(DeliveryOptions options)
{
    private readonly TimeSpan _retryDelay = options.RetryDelay;
    private readonly int _maxRetries = options.MaxRetries;

    /// <summary>How long after a send, or a re-send on a new connection, the first retry is due.</summary>
    public TimeSpan FirstWait => _retryDelay;

    /// <summary>How long after a transient ERROR system message the message is re-sent.</summary>
    public TimeSpan TransientWait { get; } = options.TransientErrorDelay;

    /// <summary>Whether a message that has had <paramref name="retries"/> retries on its connection has run out.</summary>
    public bool IsExhausted(int retries) => retries >= _maxRetries;

    /// <summary>How long after retry number <paramref name="retry"/> (from 1) the next one, or the failure, is due.</summary>
    public TimeSpan WaitAfter(int retry) => TimeSpan.FromTicks(_retryDelay.Ticks * retry);
}
