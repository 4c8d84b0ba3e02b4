using System;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// The receipt schedule of PROTOCOL.md §2, as instants on the clock counted from the moment a message was accepted:
/// attempt 0 at once; attempt 1 after <see cref="DeliveryOptions.RetryDelay"/>; attempt n + 1 a further
/// <see cref="DeliveryOptions.RetryDelay"/> × n after attempt n; and the failure <see cref="DeliveryOptions.RetryDelay"/>
/// × <see cref="DeliveryOptions.MaxRetries"/> after the last attempt. The one place the instants are worked out;
/// <see cref="DeliveryOptions"/> states what they are with the defaults.
/// </summary>
/// <remarks>
/// The instants do not move with the link: an attempt that falls due while disconnected is owed to the next
/// connection (one attempt, however many instants passed), and the deadline holds on any link, so a message is sent
/// at most <see cref="MaxAttempts"/> times and settles no later than <see cref="Deadline"/> after it was accepted.
/// A transient server error (§6) brings the next attempt forward to <see cref="DeliveryOptions.TransientErrorDelay"/>
/// from now; it takes the place of the next instant.
/// </remarks>
internal sealed class RetrySchedule
{
    private readonly TimeSpan[] _attemptAt;

    public RetrySchedule(DeliveryOptions options)
    {
        var unit = options.RetryDelay;
        _attemptAt = new TimeSpan[options.MaxRetries + 1];
        for (var attempt = 1; attempt < _attemptAt.Length; attempt++)
        {
            // After the send the wait is one unit; after retry n it is n units (§2).
            _attemptAt[attempt] = _attemptAt[attempt - 1] + (unit * Math.Max(1, attempt - 1));
        }

        Deadline = _attemptAt[^1] + (unit * Math.Max(1, options.MaxRetries));
        TransientWait = options.TransientErrorDelay;
    }

    /// <summary>How many times a message may be sent in all: the first send and every retry.</summary>
    public int MaxAttempts => _attemptAt.Length;

    /// <summary>How long after acceptance a message without an echo fails.</summary>
    public TimeSpan Deadline { get; }

    /// <summary>How long after a transient ERROR system message the next attempt goes out.</summary>
    public TimeSpan TransientWait { get; }

    /// <summary>
    /// When, counted from acceptance, attempt <paramref name="attempt"/> (from 0) falls due; the deadline once every
    /// attempt has had its instant.
    /// </summary>
    public TimeSpan DueAfter(int attempt) => attempt < _attemptAt.Length ? _attemptAt[attempt] : Deadline;
}
