using System;
using PolyChat.Protocol.Sequencing;

namespace PolyChat.Protocol.Tests;

/// <summary>Test ids shared by the sequencer and receiver tests.</summary>
internal static class TestIds
{
    /// <summary>A UUIDv7-shaped id whose last twelve hex digits are <paramref name="n"/>.</summary>
    public static EventKey Uuid(long n) => EventKey.FromString(UuidText(n));

    /// <summary>The text of <see cref="Uuid"/>: the one id pattern of these tests (the receiver's frames use it too).</summary>
    public static string UuidText(long n) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"0190a3f1-1c22-7b10-8e4d-{n:x12}");

    /// <summary>Writes "evt-" and the decimal digits of <paramref name="n"/> into <paramref name="buffer"/>, without allocating.</summary>
    public static EventKey Utf8(long n, Span<byte> buffer)
    {
        "evt-"u8.CopyTo(buffer);
        n.TryFormat(buffer[4..], out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        return EventKey.FromUtf8(buffer[..(4 + written)]);
    }

    /// <summary>The UTF-8 form of <see cref="Uuid"/>, written into <paramref name="buffer"/> (36 bytes), without allocating.</summary>
    public static EventKey Utf8Uuid(long n, Span<byte> buffer)
    {
        "0190a3f1-1c22-7b10-8e4d-"u8.CopyTo(buffer);
        n.TryFormat(buffer[24..36], out _, "x12", System.Globalization.CultureInfo.InvariantCulture);
        return EventKey.FromUtf8(buffer[..36]);
    }
}
