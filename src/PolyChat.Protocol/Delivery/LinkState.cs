namespace PolyChat.Protocol.Delivery;

/// <summary>
/// Where the tracker's connection stands, and which connection is current. Work begun on one connection (owed
/// attempts going out, a batch of retries) checks the number to see whether it was superseded.
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
        /// <summary>Sends and attempts go out when due.</summary>
        Connected,

        /// <summary>Attempts that fall due are owed to the next connection; the deadlines still run.</summary>
        Disconnected,

        /// <summary>A new connection is sending the owed attempts; new sends queue behind them.</summary>
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

    /// <summary>The connection dropped: attempts are owed to the next one. Nothing happens once ended.</summary>
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

    /// <summary>A new connection: owed attempts are to go out on it. Nothing happens once ended.</summary>
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

    /// <summary>Every owed attempt went out: new sends go out at once again.</summary>
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
