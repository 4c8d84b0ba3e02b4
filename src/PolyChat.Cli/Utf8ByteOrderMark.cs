using System;

namespace PolyChat.Cli;

/// <summary>
/// The UTF-8 byte order mark (EF BB BF) that Windows editors and Windows PowerShell put at the start of a file.
/// It is not JSON; <c>replay</c> and <c>check</c> read past it, and positions they report count from after it,
/// as an editor shows the line.
/// </summary>
internal static class Utf8ByteOrderMark
{
    private static ReadOnlySpan<byte> Bytes => [0xEF, 0xBB, 0xBF];

    /// <summary>The text without a leading byte order mark.</summary>
    public static ReadOnlySpan<byte> Skip(ReadOnlySpan<byte> text) => text.StartsWith(Bytes) ? text[Bytes.Length..] : text;
}
