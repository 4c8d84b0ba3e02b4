using System;
using System.Collections.Generic;
using System.Text.Json;

namespace PolyChat.Protocol.Receiving;

/// <summary>
/// Finds the byte range of each element of a batch frame's <c>payload.events</c> without reading the events, so that
/// each can be read on its own (PROTOCOL.md §4c: each inner event is a complete event with its own envelope).
/// </summary>
internal static class BatchElements
{
    /// <summary>The ranges, in array order; null when the frame is not well-formed JSON or has no <c>payload.events</c> array.</summary>
    public static List<Range>? Find(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = PolyChatJson.MaxDepth });
        List<Range>? elements = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isPayload = reader.ValueTextEquals("payload"u8);
                reader.Read();
                if (isPayload && reader.TokenType == JsonTokenType.StartObject)
                {
                    elements = ReadPayload(ref reader) ?? elements;
                }
                else
                {
                    reader.Skip();
                }
            }

            // The whole frame must be well-formed, trailing content included, before any of it is used.
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return elements;
    }

    private static List<Range>? ReadPayload(ref Utf8JsonReader reader)
    {
        List<Range>? elements = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isEvents = reader.ValueTextEquals("events"u8);
            reader.Read();
            if (isEvents && reader.TokenType == JsonTokenType.StartArray)
            {
                elements = new List<Range>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    elements.Add(new Range(start, (int)reader.BytesConsumed));
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return elements;
    }
}
