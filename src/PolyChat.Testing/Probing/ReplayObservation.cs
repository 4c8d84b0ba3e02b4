using System.Collections.Generic;
using System.Linq;

namespace PolyChat.Testing.Probing;

/// <summary>
/// What one fresh socket received after a cursor, up to the answer to a barrier frame sent at once: the replay's
/// batches, anything else, and how the reading ended.
/// </summary>
internal sealed record ReplayObservation
{
    /// <summary>The cursor in the address; null for none.</summary>
    public long? Cursor { get; init; }

    /// <summary>The handshake's refusal, when the socket never opened.</summary>
    public string? Refused { get; init; }

    public int? RefusedStatus { get; init; }

    /// <summary>Each batch's events, in arrival order.</summary>
    public List<List<ProbeEvent>> Batches { get; } = [];

    /// <summary>Non-batch events before the end of the reading (the barrier's answer excluded).</summary>
    public List<ProbeEvent> Others { get; } = [];

    /// <summary>Batches that came after the barrier's answer, within the settle time.</summary>
    public int LateBatches { get; set; }

    /// <summary>How the reading ended: <c>barrier</c>, <c>drop</c>, <c>close N</c> or <c>timeout</c>.</summary>
    public string Ending { get; set; } = "timeout";

    /// <summary>The barrier's answer.</summary>
    public ProbeEvent? BarrierAnswer { get; set; }

    /// <summary>Whether the reading ended in a way that shows the whole replay had come (the barrier's answer or a drop after it).</summary>
    public bool Complete => Refused is null && Ending is "barrier" or "drop";

    public IEnumerable<ProbeEvent> Events => Batches.SelectMany(b => b);

    public string CursorText => Cursor is { } cursor ? $"cursor={cursor}" : "no cursor";

    /// <summary>One line for evidence: the cursor, then each batch's size and sequence span.</summary>
    public string Describe()
    {
        if (Refused is not null)
        {
            return $"{CursorText}: {Refused}";
        }

        var batches = Batches.Count == 0
            ? "no batch"
            : string.Join(", ", Batches.Select(b => b.Count == 0 ? "[empty batch]" : $"[{b.Count} events: {Span(b)}]"));
        var late = LateBatches > 0 ? $", {LateBatches} batch(es) after the barrier's answer" : string.Empty;
        return $"{CursorText}: {batches}; ended by {Ending}{late}";
    }

    private static string Span(List<ProbeEvent> events)
    {
        var first = events[0];
        var last = events[^1];
        return $"seq {Text(first.Sequence)}..{Text(last.Sequence)}, first {Short(first.Type)}";
    }

    private static string Text(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null";

    internal static string Short(string type) => type.StartsWith("EVENT_TYPE_", System.StringComparison.Ordinal) ? type[11..] : type;
}
