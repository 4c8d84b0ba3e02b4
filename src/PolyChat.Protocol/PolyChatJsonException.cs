using System;
using System.Text.Json;
using PolyChat.Protocol.Serialization;

namespace PolyChat.Protocol;

/// <summary>
/// The one exception type raised for input that is not a valid event: malformed JSON, a wrong JSON type,
/// a missing required property, or an oversized or too-deep frame.
/// </summary>
/// <remarks>
/// <see cref="BytePosition"/> is the offset of the offending token in the frame. When the frame was read
/// through <see cref="PolyChatJson"/>, <see cref="JsonException.Path"/>, <see cref="JsonException.LineNumber"/>
/// and <see cref="JsonException.BytePositionInLine"/> (both zero-based, as in System.Text.Json) are filled in too.
/// </remarks>
public sealed class PolyChatJsonException : JsonException
{
    /// <summary>Creates the exception for a problem at <paramref name="bytePosition"/>.</summary>
    /// <param name="message">What is wrong, naming the property where known.</param>
    /// <param name="bytePosition">Offset of the offending token from the start of the frame.</param>
    public PolyChatJsonException(string message, long bytePosition)
        : base(message)
    {
        BytePosition = bytePosition;
        Reason = message;
    }

    private PolyChatJsonException(string reason, long bytePosition, string? path, long? line, long? column, Exception? inner)
        : base(Describe(reason, path, line, column), path, line, column, inner)
    {
        BytePosition = bytePosition;
        Reason = reason;
    }

    /// <summary>Offset in bytes of the offending token from the start of the frame.</summary>
    public long BytePosition { get; }

    /// <summary>The problem alone, without the location that <see cref="Exception.Message"/> adds.</summary>
    public string Reason { get; }

    internal static PolyChatJsonException Located(string reason, long bytePosition, FrameLocation location, Exception? inner) =>
        new(reason, bytePosition, location.Path, location.Line, location.Column, inner);

    private static string Describe(string reason, string? path, long? line, long? column) =>
        line is null
            ? reason
            : $"{reason} Path: {path ?? "$"} | line {line + 1}, byte {column + 1}.";
}
