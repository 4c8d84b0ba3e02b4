using System;

namespace PolyChat.Storage.Tests.Crash;

/// <summary>One line of the child's log (see the child's <c>HandledLog</c>): a kind and its fields.</summary>
public sealed record HandledLine(string Kind, string[] Fields)
{
    public static HandledLine Parse(string line)
    {
        var parts = line.Split('\t');
        return new HandledLine(parts[0], parts[1..]);
    }

    public string Field(int index) => index < Fields.Length ? Fields[index] : "-";

    /// <summary>For <c>event</c> lines: the event id.</summary>
    public string EventId => Field(0);

    /// <summary>For <c>event</c> lines: the sequence, when the event has one.</summary>
    public long? Sequence => long.TryParse(Field(1), out var sequence) ? sequence : null;

    /// <summary>For <c>event</c> lines: the wire type.</summary>
    public string Type => Field(2);

    /// <summary>For <c>event</c> lines: the <c>client_event_id</c> it carries.</summary>
    public string? ClientEventId => Field(3) is "-" or "" ? null : Field(3);

    /// <summary>For <c>event</c> lines of a chunk: whether it is not the last one.</summary>
    public bool IsOpenChunk => Field(4).EndsWith(":False", StringComparison.Ordinal);
}
