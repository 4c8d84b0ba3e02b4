using System;
using System.Globalization;

namespace PolyChat.Testing.Sessions;

/// <summary>
/// Parses the WebSocket <c>cursor</c> query value: a plain non-negative integer, or the legacy <c>seq:N</c>.
/// Anything else means 0 (full history) rather than a failed handshake, as PolyAI's docs say since 2026-05-29.
/// </summary>
internal static class CursorParser
{
    private const string LegacyPrefix = "seq:";

    public static long Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }

        var digits = value.StartsWith(LegacyPrefix, StringComparison.Ordinal) ? value[LegacyPrefix.Length..] : value;
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) ? cursor : 0;
    }
}
