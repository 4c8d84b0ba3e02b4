using System;

namespace PolyChat.Testing.Faults;

/// <summary>What to do to one outbound live event.</summary>
/// <param name="Drop">Abort the socket instead of sending.</param>
/// <param name="Duplicate">Send the event twice.</param>
/// <param name="Reorder">Send the next queued event first.</param>
/// <param name="Delay">How long to wait before sending (zero for no delay).</param>
/// <param name="LoseEcho">Skip sending this echo (it stays journaled).</param>
/// <param name="Hostile">A hostile frame to send before the event, or null.</param>
internal readonly record struct FaultDecision(bool Drop, bool Duplicate, bool Reorder, TimeSpan Delay, bool LoseEcho, HostileFrame? Hostile)
{
    public static FaultDecision None => default;
}
