using System.Text.Json;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol;

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
        EventId id = default;
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

    private static EventId ReadId(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => default,
        JsonTokenType.String when !reader.ValueIsEscaped && !reader.HasValueSequence => EventId.FromUtf8(reader.ValueSpan),
        JsonTokenType.String => EventId.FromString(reader.GetString()!),
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
