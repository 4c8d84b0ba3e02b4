using System;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// Thrown by <see cref="DeliveryTracker.SendAsync"/> when <see cref="DeliveryOptions.MaxPending"/> messages already
/// wait for their echo. Nothing was sent or tracked; send again once some have settled.
/// </summary>
public sealed class PendingLimitExceededException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="limit">The configured <see cref="DeliveryOptions.MaxPending"/>.</param>
    public PendingLimitExceededException(int limit)
        : base($"{limit} messages are already waiting for their echo (DeliveryOptions.MaxPending); wait for some to be sent or to fail before sending more.")
    {
        Limit = limit;
    }

    /// <summary>The configured <see cref="DeliveryOptions.MaxPending"/>.</summary>
    public int Limit { get; }
}
