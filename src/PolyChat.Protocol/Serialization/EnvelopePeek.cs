using System;
using System.Text.Json;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;

namespace PolyChat.Protocol.Serialization;

/// <summary>Reads the envelope keys of one event object and skips everything else.</summary>
internal static class EnvelopePeek
{
    /// <summary>Reads the envelope of the object starting at the reader's next token (or current, when it is already on it).</summary>
    public static EventEnvelope Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.None && !reader.Read())
        {
            throw new PolyChatJsonException("The frame is empty; an event object was expected.", 0);
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new PolyChatJsonException("An event must be a JSON object.", reader.TokenStartIndex);
        }

        var start = reader.TokenStartIndex;
        EventKey id = default;
        long? sequence = null;
        EventType? type = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = ReadId(ref reader);
                seen |= 1;
            }
            else if (reader.ValueTextEquals("sequence"u8))
            {
                reader.Read();
                sequence = ReadSequence(ref reader);
                seen |= 2;
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                if ((seen & 4) != 0)
                {
                    // As in the full read: two discriminators make the frame ambiguous.
                    throw new PolyChatJsonException("The event has more than one 'type' property.", reader.TokenStartIndex);
                }

                reader.Read();
                type = EventTypeJsonConverter.ReadValue(ref reader, "type");
                seen |= 4;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }

            if (seen == 7)
            {
                // Every envelope key is known: the rest (usually the payload) need not even be tokenized.
                break;
            }
        }

        if (type is not { } eventType)
        {
            throw new PolyChatJsonException("The event has no 'type' property.", start);
        }

        return new EventEnvelope(id, sequence, eventType);
    }

    /// <summary>
    /// Reads what it can of an event's <c>id</c> and <c>sequence</c>, for an event that failed to read (its type may be
    /// missing or wrong). Never throws; a field that cannot be read is left out.
    /// </summary>
    public static (EventKey Id, long? Sequence) ReadIdAndSequence(ReadOnlySpan<byte> element)
    {
        EventKey id = default;
        long? sequence = null;
        var reader = new Utf8JsonReader(element, new JsonReaderOptions { MaxDepth = PolyChatJson.MaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (id, sequence);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                var isSequence = !isId && reader.ValueTextEquals("sequence"u8);
                reader.Read();
                if (isId && reader.TokenType == JsonTokenType.String)
                {
                    id = ReadId(ref reader);
                }
                else if (isSequence && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
                {
                    sequence = value;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // What was read before the problem stands.
        }

        return (id, sequence);
    }

    private static EventKey ReadId(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => default,
        JsonTokenType.String when !reader.ValueIsEscaped && !reader.HasValueSequence => EventKey.FromUtf8(reader.ValueSpan),
        JsonTokenType.String => EventKey.FromString(reader.GetString()!),
        _ => throw new PolyChatJsonException("'id' must be a string.", reader.TokenStartIndex),
    };

    private static long? ReadSequence(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var sequence))
        {
            throw new PolyChatJsonException("'sequence' must be an integer between -2^63 and 2^63-1, or null.", reader.TokenStartIndex);
        }

        return sequence;
    }
}
