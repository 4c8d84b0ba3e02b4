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
        global::System.Text.Encoding.UTF8.GetBytes(GetString(ref reader));

    public static string ReadString(ref global::System.Text.Json.Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != global::System.Text.Json.JsonTokenType.String)
        {
            throw Unexpected(ref reader, property, "a string");
        }

        return GetString(ref reader);
    }

    /// <summary>The current string or property name; text that is not valid UTF-8 (or UTF-16) is an error at its token.</summary>
    public static string GetString(ref global::System.Text.Json.Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (global::System.InvalidOperationException)
        {
            throw Error(ref reader, "A string or property name is not valid UTF-8 (or escapes a lone surrogate).");
        }
    }

    /// <summary>
    /// Reads any JSON value as a <see cref="global::System.Text.Json.JsonElement"/> to keep as received.
    /// JsonElement does not validate string contents, so they are checked first: a value that could not
    /// be written back unchanged is rejected rather than silently altered.
    /// </summary>
    public static global::System.Text.Json.JsonElement ReadElement(ref global::System.Text.Json.Utf8JsonReader reader)
    {
        ValidateStrings(reader);
        return global::System.Text.Json.JsonElement.ParseValue(ref reader);
    }

    private static void ValidateStrings(global::System.Text.Json.Utf8JsonReader copy)
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

    private static void ValidateToken(ref global::System.Text.Json.Utf8JsonReader reader)
    {
        if (reader.TokenType is not (global::System.Text.Json.JsonTokenType.String or global::System.Text.Json.JsonTokenType.PropertyName))
        {
            return;
        }

        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            GetString(ref reader);
        }
        else if (!global::System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
        {
            throw Error(ref reader, "A string or property name is not valid UTF-8.");
        }
    }

    private static bool IsOpen(global::System.Text.Json.JsonTokenType token) =>
        token is global::System.Text.Json.JsonTokenType.StartObject or global::System.Text.Json.JsonTokenType.StartArray;

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

    public static global::System.DateTimeOffset ReadDateTimeOffset(ref global::System.Text.Json.Utf8JsonReader reader, string property) =>
        TryReadDateTimeOffset(ref reader, out var value) ? value : throw Unexpected(ref reader, property, "an ISO 8601 date-time string");

    /// <summary>Reads an ISO 8601 date-time; one without an offset is taken as UTC, never as the machine's local time.</summary>
    public static bool TryReadDateTimeOffset(ref global::System.Text.Json.Utf8JsonReader reader, out global::System.DateTimeOffset value)
    {
        value = default;
        if (reader.TokenType != global::System.Text.Json.JsonTokenType.String || !reader.TryGetDateTimeOffset(out value))
        {
            return false;
        }

        // PolyAI sends UTC with a 'Z' suffix: only other forms need the second parse that tells "no offset" apart.
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && reader.ValueSpan is [.., (byte)'Z' or (byte)'z'])
        {
            return true;
        }

        if (reader.TryGetDateTime(out var dateTime) && dateTime.Kind == global::System.DateTimeKind.Unspecified)
        {
            value = new global::System.DateTimeOffset(dateTime, global::System.TimeSpan.Zero);
        }

        return true;
    }

    public static global::System.Uri ReadUri(ref global::System.Text.Json.Utf8JsonReader reader, string property) =>
        TryReadUri(ref reader, out var value) ? value : throw Unexpected(ref reader, property, "a URI string");

    public static bool TryReadUri(ref global::System.Text.Json.Utf8JsonReader reader, out global::System.Uri value)
    {
        value = null!;
        return reader.TokenType == global::System.Text.Json.JsonTokenType.String
            && global::System.Uri.TryCreate(GetString(ref reader), global::System.UriKind.RelativeOrAbsolute, out value!);
    }

    public static global::System.Guid ReadGuid(ref global::System.Text.Json.Utf8JsonReader reader, string property) =>
        TryReadGuid(ref reader, out var value) ? value : throw Unexpected(ref reader, property, "a UUID string");

    public static bool TryReadGuid(ref global::System.Text.Json.Utf8JsonReader reader, out global::System.Guid value)
    {
        value = default;
        return reader.TokenType == global::System.Text.Json.JsonTokenType.String && reader.TryGetGuid(out value);
    }

    /// <summary>
    /// Keeps a value that does not fit its optional property's format (a malformed URL, say) among the
    /// additional properties under its own name: the event is still read, and the value written back.
    /// </summary>
    public static void KeepAsAdditional(
        ref global::System.Text.Json.Utf8JsonReader reader,
        string property,
        ref global::System.Collections.Generic.Dictionary<string, global::System.Text.Json.JsonElement>? properties)
    {
        properties ??= new global::System.Collections.Generic.Dictionary<string, global::System.Text.Json.JsonElement>(global::System.StringComparer.Ordinal);
        properties[property] = ReadElement(ref reader);
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
        var name = GetString(ref reader);
        reader.Read();
        properties ??= new global::System.Collections.Generic.Dictionary<string, global::System.Text.Json.JsonElement>(global::System.StringComparer.Ordinal);
        properties[name] = ReadElement(ref reader);
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

    /// <summary>
    /// Collects array items and hands out one array of the exact size: a read allocates only the result, never
    /// the growth steps of a list. The first four items live in fields, because most arrays in a frame are that
    /// short and renting from the shared pool (a thread-local lookup, and clearing on return) would cost more
    /// than they do; longer arrays continue in a pooled buffer.
    /// </summary>
    public struct ArrayBuilder<T>
    {
        private const int InlineCount = 4;

        private T _item0;
        private T _item1;
        private T _item2;
        private T _item3;
        private T[]? _overflow;
        private int _count;

        public void Add(T item)
        {
            switch (_count)
            {
                case 0:
                    _item0 = item;
                    break;
                case 1:
                    _item1 = item;
                    break;
                case 2:
                    _item2 = item;
                    break;
                case 3:
                    _item3 = item;
                    break;
                default:
                    AddOverflow(item);
                    break;
            }

            _count++;
        }

        /// <summary>The items as an exact-size array; returns the pooled buffer (also when reading failed part-way).</summary>
        public T[] ToArrayAndReturn()
        {
            if (_count == 0)
            {
                return global::System.Array.Empty<T>();
            }

            var result = new T[_count];
            var items = new global::System.Span<T>(result);
            items[0] = _item0;
            if (_count > 1)
            {
                items[1] = _item1;
            }

            if (_count > 2)
            {
                items[2] = _item2;
            }

            if (_count > 3)
            {
                items[3] = _item3;
            }

            if (_overflow is not null)
            {
                global::System.MemoryExtensions.AsSpan(_overflow, 0, _count - InlineCount).CopyTo(items.Slice(InlineCount));
            }

            Dispose();
            return result;
        }

        public void Dispose()
        {
            if (_overflow is not null)
            {
                Return(_overflow);
                _overflow = null;
            }

            this = default;
        }

        private void AddOverflow(T item)
        {
            var index = _count - InlineCount;
            if (_overflow is null)
            {
                _overflow = global::System.Buffers.ArrayPool<T>.Shared.Rent(InlineCount);
            }
            else if (index == _overflow.Length)
            {
                var larger = global::System.Buffers.ArrayPool<T>.Shared.Rent(index * 2);
                global::System.Array.Copy(_overflow, larger, index);
                Return(_overflow);
                _overflow = larger;
            }

            _overflow[index] = item;
        }

        private static void Return(T[] buffer) =>
            global::System.Buffers.ArrayPool<T>.Shared.Return(buffer, global::System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>());
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
