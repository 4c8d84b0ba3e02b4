namespace PolyChat.Cli.Schema;

/// <summary>One difference between two schemas: its rule, where it is (a JSON path in the new schema, or the old one for removals), and whom it breaks.</summary>
internal sealed record SchemaChange(SchemaRule Rule, string Path, string Message, Compatibility Breaks)
{
    public bool IsBreaking => Breaks != Compatibility.None;

    /// <summary>A line of <c>polychat schema diff</c> output: id, class, path, message.</summary>
    public override string ToString() => $"{Rule.Id} {Class,-32} {Path}: {Message} ({Rule.Why})";

    private string Class => Breaks == Compatibility.None
        ? "safe"
        : "breaking(" + string.Join(",", Parts()) + ")";

    private System.Collections.Generic.IEnumerable<string> Parts()
    {
        if (Breaks.HasFlag(Compatibility.CSharp))
        {
            yield return "csharp";
        }

        if (Breaks.HasFlag(Compatibility.OldReader))
        {
            yield return "wire:old-reader";
        }

        if (Breaks.HasFlag(Compatibility.NewReader))
        {
            yield return "wire:new-reader";
        }
    }
}
