using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PolyChat.Protocol.Serialization;

/// <summary>Where in a frame a problem is: JSON path, zero-based line and zero-based byte in that line.</summary>
internal readonly record struct FrameLocation(string Path, long Line, long Column)
{
    /// <summary>
    /// Finds path, line and column of <paramref name="bytePosition"/> by re-reading the frame up to it.
    /// Runs only when an error is being reported, so the happy path never tracks a path.
    /// </summary>
    public static FrameLocation Find(ReadOnlySpan<byte> frame, long bytePosition)
    {
        var offset = (int)Math.Clamp(bytePosition, 0, frame.Length);
        var before = frame[..offset];
        var line = 0;
        var lineStart = 0;
        for (var i = 0; i < before.Length; i++)
        {
            if (before[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new FrameLocation(FindPath(frame, offset), line, offset - lineStart);
    }

    /// <summary>The absolute offset of a zero-based line and byte-in-line, as System.Text.Json reports them.</summary>
    public static long ToOffset(ReadOnlySpan<byte> frame, long line, long column)
    {
        var offset = 0;
        for (var remaining = line; remaining > 0 && offset < frame.Length; offset++)
        {
            if (frame[offset] == (byte)'\n')
            {
                remaining--;
            }
        }

        return Math.Min(frame.Length, offset + column);
    }

    private static string FindPath(ReadOnlySpan<byte> frame, int offset)
    {
        // Each level: the property name being read (objects) or the next index (arrays).
        var stack = new List<(bool IsArray, string? Property, int Index)>();
        var reader = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = 1024 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenStartIndex >= offset)
                {
                    // The token the error points at decides the last segment: the end of an object
                    // means the object itself (a missing property), and a value inside an array is
                    // an element that must be counted.
                    if (reader.TokenStartIndex == offset && stack.Count > 0)
                    {
                        switch (reader.TokenType)
                        {
                            case JsonTokenType.EndObject:
                                stack[^1] = (false, null, -1);
                                break;
                            case JsonTokenType.EndArray:
                                break;
                            case JsonTokenType.PropertyName:
                                // A name that cannot be decoded cannot be a path segment: point at its object.
                                var name = SafeName(ref reader);
                                stack[^1] = (false, name == InvalidName ? null : name, -1);
                                break;
                            default:
                                CountArrayItem(stack);
                                break;
                        }
                    }

                    break;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        CountArrayItem(stack);
                        stack.Add((reader.TokenType == JsonTokenType.StartArray, null, -1));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        if (stack.Count > 0)
                        {
                            stack.RemoveAt(stack.Count - 1);
                        }

                        break;
                    case JsonTokenType.PropertyName:
                        stack[^1] = (false, SafeName(ref reader), -1);
                        break;
                    default:
                        CountArrayItem(stack);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // The frame is malformed at or after the error; the path read so far is the answer.
        }

        var path = new StringBuilder("$");
        foreach (var (isArray, property, index) in stack)
        {
            if (isArray)
            {
                if (index >= 0)
                {
                    path.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
            }
            else if (property is not null)
            {
                path.Append('.').Append(property);
            }
        }

        return path.ToString();
    }

    private static void CountArrayItem(List<(bool IsArray, string? Property, int Index)> stack)
    {
        if (stack.Count > 0 && stack[^1].IsArray)
        {
            stack[^1] = (true, null, stack[^1].Index + 1);
        }
    }

    private const string InvalidName = "<invalid UTF-8>";

    private static string SafeName(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            return InvalidName;
        }
    }
}
