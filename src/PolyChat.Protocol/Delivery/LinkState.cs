namespace PolyChat.Protocol;

/// <summary>
/// Where the tracker's connection stands, and which connection is current. A message is sent on a numbered
/// connection; it is armed for retries only while that connection is current and not dropped.
/// </summary>
/// <remarks>
/// Connected → Disconnected → Replaying → Connected, any number of times, until Ended, which is final. Every
/// disconnect, reconnect and end bumps <see cref="Connection"/>, so work begun on an older connection (a replay, a
/// batch of retries) sees that it was superseded. Not thread-safe: the tracker calls it under its lock.
/// </remarks>
internal sealed class LinkState
{
    private Phase _phase = Phase.Connected;

    private enum Phase
    {
        /// <summary>Sends go out at once and retries run.</summary>
        Connected,

        /// <summary>Sends are queued and retries paused until a reconnect.</summary>
        Disconnected,

        /// <summary>A reconnect is re-sending pending messages; new sends queue behind them.</summary>
        Replaying,

        /// <summary>The session ended or closed for good: nothing is pending and sends fail at once.</summary>
        Ended,
    }

    /// <summary>The current connection's number; 1 is the one the tracker starts on.</summary>
    public long Connection { get; private set; } = 1;

    /// <summary>Whether a new message goes out at once; otherwise it waits for the reconnect's replay (or fails, once ended).</summary>
    public bool SendsGoOut => _phase == Phase.Connected;

    /// <summary>Whether the link ended for good.</summary>
    public bool IsEnded => _phase == Phase.Ended;

    /// <summary>Why messages fail once the link ended; <see cref="DeliveryFailure.None"/> before.</summary>
    public DeliveryFailure EndFailure { get; private set; }

    /// <summary>The reason each message that fails because the link ended is given; null before.</summary>
    public string? EndReason { get; private set; }

    /// <summary>Whether a message sent on <paramref name="connection"/> is due retries now.</summary>
    public bool RetriesRunOn(long connection) => _phase != Phase.Disconnected && connection == Connection;

    /// <summary>The connection dropped: retries pause and sends queue. Nothing happens once ended.</summary>
    /// <returns>Whether the link was live.</returns>
    public bool Disconnect()
    {
        if (IsEnded)
        {
            return false;
        }

        Connection++;
        _phase = Phase.Disconnected;
        return true;
    }

    /// <summary>A new connection: pending messages are to be re-sent on it. Nothing happens once ended.</summary>
    /// <param name="connection">The new connection's number.</param>
    /// <returns>Whether the link was live.</returns>
    public bool BeginReplay(out long connection)
    {
        connection = 0;
        if (IsEnded)
        {
            return false;
        }

        connection = ++Connection;
        _phase = Phase.Replaying;
        return true;
    }

    /// <summary>The replay re-sent everything: new sends go out at once again.</summary>
    public void FinishReplay() => _phase = Phase.Connected;

    /// <summary>The link ended for good; later messages fail at once with this failure and reason.</summary>
    public void End(DeliveryFailure failure, string reason)
    {
        _phase = Phase.Ended;
        EndFailure = failure;
        EndReason = reason;
        Connection++;
    }
}
