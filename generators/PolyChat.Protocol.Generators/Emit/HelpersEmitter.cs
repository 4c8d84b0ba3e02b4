using PolyChat.Protocol.Generators.Helpers;

namespace PolyChat.Protocol.Generators.Emit;

/// <summary>
/// Emits the small reading/writing helpers every converter of one namespace shares. They live in the
/// user's assembly (internal), so generated code needs nothing from the runtime but its exception type.
/// </summary>
internal static class HelpersEmitter
{
    public static string Emit(string ns)
    {
        var writer = new SourceWriter();
        Headers.Write(writer, ns);
        writer.WriteBlock($$"""
/// <summary>Token-level reading and writing shared by the emitted converters.</summary>
[global::System.CodeDom.Compiler.GeneratedCode("PolyChat.Protocol.Generators", "{{Headers.Version}}")]
internal static class {{TypeSyntax.Helpers}}
{
    public static void ExpectStartObject(ref global::System.Text.Json.Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != global::System.Text.Json.JsonTokenType.StartObject)
        {
            throw Error(ref reader, $"{what} must be a JSON object, but found {Describe(reader.TokenType)}.");
        }
    }

    /// <summary>Advances to the next property name; false at the end of the object.</summary>
    public static bool NextProperty(ref global::System.Text.Json.Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == global::System.Text.Json.JsonTokenType.PropertyName;
    }

    /// <summary>The unescaped UTF-8 bytes of the current property name or string (the rare escaped case).</summary>
    public static byte[] UnescapedBytes(ref global::System.Text.Json.Utf8JsonReader reader) =>
        global::System.Text.Encoding.UTF8.GetBytes(reader.GetString()!);

    public static string ReadString(ref global::System.Text.Json.Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != global::System.Text.Json.JsonTokenType.String)
        {
            throw Unexpected(ref reader, property, "a string");
        }

        return reader.GetString()!;
    }

    public static long ReadInt64(ref global::System.Text.Json.Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != global::System.Text.Json.JsonTokenType.Number || !reader.TryGetInt64(out var value))
        {
            throw Unexpected(ref reader, property, "an integer between -2^63 and 2^63-1");
        }

        return value;
    }

    public static double ReadDouble(ref global::System.Text.Json.Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != global::System.Text.Json.JsonTokenType.Number || !reader.TryGetDouble(out var value)
            || double.IsInfinity(value))
        {
            throw Unexpected(ref reader, property, "a finite number");
        }

        return value;
    }

    public static bool ReadBoolean(ref global::System.Text.Json.Utf8JsonReader reader, string property) => reader.TokenType switch
    {
        global::System.Text.Json.JsonTokenType.True => true,
        global::System.Text.Json.JsonTokenType.False => false,
        _ => throw Unexpected(ref reader, property, "true or false"),
    };

    public static global::System.DateTimeOffset ReadDateTimeOffset(ref global::System.Text.Json.Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != global::System.Text.Json.JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value))
        {
            throw Unexpected(ref reader, property, "an ISO 8601 date-time string");
        }

        return value;
    }

    public static global::System.Uri ReadUri(ref global::System.Text.Json.Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != global::System.Text.Json.JsonTokenType.String
            || !global::System.Uri.TryCreate(reader.GetString(), global::System.UriKind.RelativeOrAbsolute, out var value))
        {
            throw Unexpected(ref reader, property, "a URI string");
        }

        return value;
    }

    public static global::System.Guid ReadGuid(ref global::System.Text.Json.Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != global::System.Text.Json.JsonTokenType.String || !reader.TryGetGuid(out var value))
        {
            throw Unexpected(ref reader, property, "a UUID string");
        }

        return value;
    }

    public static void ExpectString(ref global::System.Text.Json.Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != global::System.Text.Json.JsonTokenType.String)
        {
            throw Unexpected(ref reader, property, "a string");
        }
    }

    public static void ExpectStartArray(ref global::System.Text.Json.Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != global::System.Text.Json.JsonTokenType.StartArray)
        {
            throw Unexpected(ref reader, property, "an array");
        }
    }

    /// <summary>Keeps a property the schema does not declare, so it is written back unchanged.</summary>
    public static void ReadAdditionalProperty(
        ref global::System.Text.Json.Utf8JsonReader reader,
        ref global::System.Collections.Generic.Dictionary<string, global::System.Text.Json.JsonElement>? properties)
    {
        var name = reader.GetString()!;
        reader.Read();
        properties ??= new global::System.Collections.Generic.Dictionary<string, global::System.Text.Json.JsonElement>(global::System.StringComparer.Ordinal);
        properties[name] = global::System.Text.Json.JsonElement.ParseValue(ref reader);
    }

    public static void WriteAdditionalProperties(
        global::System.Text.Json.Utf8JsonWriter writer,
        global::System.Collections.Generic.IReadOnlyDictionary<string, global::System.Text.Json.JsonElement>? properties)
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
    public static void WriteDateTimeOffsetValue(global::System.Text.Json.Utf8JsonWriter writer, global::System.DateTimeOffset value)
    {
        if (value.Offset == global::System.TimeSpan.Zero)
        {
            writer.WriteStringValue(value.UtcDateTime);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    public static global::PolyChat.Protocol.PolyChatJsonException Unexpected(
        ref global::System.Text.Json.Utf8JsonReader reader, string property, string expected) =>
        Error(ref reader, $"'{property}' must be {expected}, but found {Describe(reader.TokenType)}.");

    public static global::PolyChat.Protocol.PolyChatJsonException MissingProperty(
        ref global::System.Text.Json.Utf8JsonReader reader, string property, string owner) =>
        Error(ref reader, $"{owner} is missing the required property '{property}'.");

    public static global::PolyChat.Protocol.PolyChatJsonException Error(ref global::System.Text.Json.Utf8JsonReader reader, string message) =>
        new(message, reader.TokenStartIndex);

    private static string Describe(global::System.Text.Json.JsonTokenType token) => token switch
    {
        global::System.Text.Json.JsonTokenType.StartObject => "an object",
        global::System.Text.Json.JsonTokenType.StartArray => "an array",
        global::System.Text.Json.JsonTokenType.String => "a string",
        global::System.Text.Json.JsonTokenType.Number => "a number",
        global::System.Text.Json.JsonTokenType.True or global::System.Text.Json.JsonTokenType.False => "a boolean",
        global::System.Text.Json.JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
""");
        return writer.ToString();
    }
}
