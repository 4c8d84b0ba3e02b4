using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace PolyChat.Protocol.Serialization;

/// <summary>
/// Token-level reading and writing that the generated converters call (as System.Text.Json's generated code
/// calls <c>JsonMetadataServices</c>): compiled and tested once here instead of pasted into every consumer's
/// namespace. Not meant to be called by hand; its members follow the generated code's needs.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonTokens
{
    /// <summary>Throws unless the reader is on the start of an object; <paramref name="what"/> names it in the error.</summary>
    public static void ExpectStartObject(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error(ref reader, $"{what} must be a JSON object, but found {Describe(reader.TokenType)}.");
        }
    }

    /// <summary>Advances to the next property name; false at the end of the object.</summary>
    public static bool NextProperty(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    /// <summary>The unescaped UTF-8 bytes of the current property name or string (the rare escaped case).</summary>
    public static byte[] UnescapedBytes(ref Utf8JsonReader reader) =>
        Encoding.UTF8.GetBytes(GetString(ref reader));

    /// <summary>Reads the current string value of <paramref name="property"/>, or throws naming it.</summary>
    public static string ReadString(ref Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Unexpected(ref reader, property, "a string");
        }

        return GetString(ref reader);
    }

    /// <summary>The current string or property name; text that is not valid UTF-8 (or UTF-16) is an error at its token.</summary>
    public static string GetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Error(ref reader, "A string or property name is not valid UTF-8 (or escapes a lone surrogate).");
        }
    }

    /// <summary>
    /// Reads any JSON value as a <see cref="JsonElement"/> to keep as received.
    /// JsonElement does not validate string contents, so they are checked first: a value that could not
    /// be written back unchanged is rejected rather than silently altered.
    /// </summary>
    public static JsonElement ReadElement(ref Utf8JsonReader reader)
    {
        ValidateStrings(reader);
        return JsonElement.ParseValue(ref reader);
    }

    private static void ValidateStrings(Utf8JsonReader copy)
    {
        ValidateToken(ref copy);
        if (!IsOpen(copy.TokenType))
        {
            return;
        }

        // A container's end token reports the container's own depth, which ends the walk.
        var depth = copy.CurrentDepth;
        while (copy.Read() && copy.CurrentDepth > depth)
        {
            ValidateToken(ref copy);
        }
    }

    private static void ValidateToken(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            return;
        }

        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            GetString(ref reader);
        }
        else if (!Utf8.IsValid(reader.ValueSpan))
        {
            throw Error(ref reader, "A string or property name is not valid UTF-8.");
        }
    }

    private static bool IsOpen(JsonTokenType token) =>
        token is JsonTokenType.StartObject or JsonTokenType.StartArray;

    /// <summary>Reads the current value of <paramref name="property"/> as a 64-bit integer, or throws naming it.</summary>
    public static long ReadInt64(ref Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
        {
            throw Unexpected(ref reader, property, "an integer between -2^63 and 2^63-1");
        }

        return value;
    }

    /// <summary>Reads the current value of <paramref name="property"/> as a finite number, or throws naming it.</summary>
    public static double ReadDouble(ref Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value)
            || double.IsInfinity(value))
        {
            throw Unexpected(ref reader, property, "a finite number");
        }

        return value;
    }

    /// <summary>Reads the current value of <paramref name="property"/> as true or false, or throws naming it.</summary>
    public static bool ReadBoolean(ref Utf8JsonReader reader, string property) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Unexpected(ref reader, property, "true or false"),
    };

    /// <summary>Reads the current value of <paramref name="property"/> as an ISO 8601 date-time, or throws naming it.</summary>
    public static DateTimeOffset ReadDateTimeOffset(ref Utf8JsonReader reader, string property) =>
        TryReadDateTimeOffset(ref reader, out var value) ? value : throw Unexpected(ref reader, property, "an ISO 8601 date-time string");

    /// <summary>Reads an ISO 8601 date-time; one without an offset is taken as UTC, never as the machine's local time.</summary>
    public static bool TryReadDateTimeOffset(ref Utf8JsonReader reader, out DateTimeOffset value)
    {
        value = default;
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out value))
        {
            return false;
        }

        // PolyAI sends UTC with a 'Z' suffix: only other forms need the second parse that tells "no offset" apart.
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && reader.ValueSpan is [.., (byte)'Z' or (byte)'z'])
        {
            return true;
        }

        if (reader.TryGetDateTime(out var dateTime) && dateTime.Kind == DateTimeKind.Unspecified)
        {
            value = new DateTimeOffset(dateTime, TimeSpan.Zero);
        }

        return true;
    }

    /// <summary>Reads the current value of <paramref name="property"/> as a URI, or throws naming it.</summary>
    public static Uri ReadUri(ref Utf8JsonReader reader, string property) =>
        TryReadUri(ref reader, out var value) ? value : throw Unexpected(ref reader, property, "a URI string");

    /// <summary>Reads the current value as a URI (relative or absolute); false when it is not one.</summary>
    public static bool TryReadUri(ref Utf8JsonReader reader, out Uri value)
    {
        value = null!;
        return reader.TokenType == JsonTokenType.String
            && Uri.TryCreate(GetString(ref reader), UriKind.RelativeOrAbsolute, out value!);
    }

    /// <summary>Reads the current value of <paramref name="property"/> as a UUID, or throws naming it.</summary>
    public static Guid ReadGuid(ref Utf8JsonReader reader, string property) =>
        TryReadGuid(ref reader, out var value) ? value : throw Unexpected(ref reader, property, "a UUID string");

    /// <summary>Reads the current value as a UUID; false when it is not one.</summary>
    public static bool TryReadGuid(ref Utf8JsonReader reader, out Guid value)
    {
        value = default;
        return reader.TokenType == JsonTokenType.String && reader.TryGetGuid(out value);
    }

    /// <summary>
    /// Keeps a value that does not fit its optional property's format (a malformed URL, say) among the
    /// additional properties under its own name: the event is still read, and the value written back.
    /// </summary>
    public static void KeepAsAdditional(
        ref Utf8JsonReader reader,
        string property,
        ref Dictionary<string, JsonElement>? properties)
    {
        properties ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        properties[property] = ReadElement(ref reader);
    }

    /// <summary>Throws unless the current value of <paramref name="property"/> is a string.</summary>
    public static void ExpectString(ref Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Unexpected(ref reader, property, "a string");
        }
    }

    /// <summary>Throws unless the current value of <paramref name="property"/> is an array.</summary>
    public static void ExpectStartArray(ref Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Unexpected(ref reader, property, "an array");
        }
    }

    /// <summary>Keeps a property the schema does not declare, so it is written back unchanged.</summary>
    public static void ReadAdditionalProperty(
        ref Utf8JsonReader reader,
        ref Dictionary<string, JsonElement>? properties)
    {
        var name = GetString(ref reader);
        reader.Read();
        properties ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        properties[name] = ReadElement(ref reader);
    }

    /// <summary>Writes back the properties a record kept without declaring them.</summary>
    public static void WriteAdditionalProperties(
        Utf8JsonWriter writer,
        IReadOnlyDictionary<string, JsonElement>? properties)
    {
        if (properties is null)
        {
            return;
        }

        foreach (var property in properties)
        {
            writer.WritePropertyName(property.Key);
            property.Value.WriteTo(writer);
        }
    }

    /// <summary>UTC instants are written with a 'Z' suffix, the form PolyAI sends, so they round-trip exactly.</summary>
    public static void WriteDateTimeOffsetValue(Utf8JsonWriter writer, DateTimeOffset value)
    {
        if (value.Offset == TimeSpan.Zero)
        {
            writer.WriteStringValue(value.UtcDateTime);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    /// <summary>The error for a value of the wrong kind: names the property, what it must be and what was found, at the token.</summary>
    public static PolyChatJsonException Unexpected(
        ref Utf8JsonReader reader, string property, string expected) =>
        Error(ref reader, $"'{property}' must be {expected}, but found {Describe(reader.TokenType)}.");

    /// <summary>The error for a required property that is absent from <paramref name="owner"/>.</summary>
    public static PolyChatJsonException MissingProperty(
        ref Utf8JsonReader reader, string property, string owner) =>
        Error(ref reader, $"{owner} is missing the required property '{property}'.");

    /// <summary>An error at the current token's position.</summary>
    public static PolyChatJsonException Error(ref Utf8JsonReader reader, string message) =>
        new(message, reader.TokenStartIndex);

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
