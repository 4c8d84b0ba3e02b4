using System;
using System.Collections.Generic;

namespace PolyChat.Testing.Probing;

/// <summary>Evidence lines: trimmed to a readable length, and never holding a secret.</summary>
internal static class Evidence
{
    /// <summary>The longest evidence line kept.</summary>
    public const int MaxLine = 240;

    /// <summary>The most evidence lines one point keeps.</summary>
    public const int MaxLines = 12;

    public static string Trim(string line)
    {
        var flat = line.Replace("\r", string.Empty, StringComparison.Ordinal).Replace('\n', ' ');
        return flat.Length <= MaxLine ? flat : string.Concat(flat.AsSpan(0, MaxLine - 1), "…");
    }

    /// <summary>At most <see cref="MaxLines"/> lines; what is left out is counted on the last line.</summary>
    public static IReadOnlyList<string> Cap(List<string> lines)
    {
        if (lines.Count <= MaxLines)
        {
            return lines;
        }

        var kept = lines.GetRange(0, MaxLines - 1);
        kept.Add($"… and {lines.Count - kept.Count} more lines");
        return kept;
    }
}
