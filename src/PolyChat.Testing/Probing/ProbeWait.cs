using System.Collections.Generic;

namespace PolyChat.Testing.Probing;

/// <summary>How a wait on the conversation ended.</summary>
/// <param name="Arrivals">The events that arrived during the wait, in order.</param>
/// <param name="End">The socket's end when that stopped the wait: a close, a drop, or a refused reconnect (as a close without status).</param>
/// <param name="TimedOut">Whether the time ran out first.</param>
internal sealed record ProbeWait(List<ProbeEvent> Arrivals, ProbeFrame? End, bool TimedOut);
