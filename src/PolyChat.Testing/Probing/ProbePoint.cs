using System.Collections.Generic;

namespace PolyChat.Testing.Probing;

/// <summary>
/// One open point of the protocol (PROTOCOL.md's [unconfirmed] marks) and what the probe saw of it. A point the
/// run could not settle has the answer <see cref="Undecided"/>, never a guess.
/// </summary>
public sealed record ProbePoint
{
    /// <summary>The answer of a point the run could not settle.</summary>
    public const string Undecided = "undecided";

    /// <summary>The point's stable id, e.g. <c>history-batches</c> (see <see cref="ProbePointIds"/>).</summary>
    public required string Id { get; init; }

    /// <summary>The question, in a sentence.</summary>
    public required string Question { get; init; }

    /// <summary>A short, stable code for the observed answer (e.g. <c>one-batch</c>), or <see cref="Undecided"/>.</summary>
    public required string Answer { get; init; }

    /// <summary>What was observed, in words; for an undecided point, why it stayed open.</summary>
    public required string Observed { get; init; }

    /// <summary>Values behind the answer, as text (e.g. <c>largest_batch</c>, <c>limit</c>, <c>message</c>); empty when none.</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    /// <summary>The frames and events that show it, one per line, trimmed.</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>What the answer means for a client.</summary>
    public required string ForClients { get; init; }

    /// <summary>How a simulator profile built from the report plays this point, or what the simulator lacks to play it.</summary>
    public required string Simulator { get; init; }

    /// <summary>Whether the run settled the point.</summary>
    public bool IsDecided => Answer != Undecided;
}
