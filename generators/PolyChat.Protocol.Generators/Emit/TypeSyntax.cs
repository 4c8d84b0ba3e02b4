using System;
using PolyChat.Protocol.Generators.Model;

namespace PolyChat.Protocol.Generators.Emit;

/// <summary>How each <see cref="TypeSpec"/> is spelled, read and written in emitted C#.</summary>
internal static class TypeSyntax
{
    /// <summary>The runtime's token helpers that generated converters call (compiled in PolyChat.Protocol, not emitted).</summary>
    public const string Helpers = "global::PolyChat.Protocol.Serialization.JsonTokens";

    /// <summary>The runtime's exact-size array collector.</summary>
    public const string ArrayBuilder = "global::PolyChat.Protocol.Serialization.ArrayBuilder";

    public static string Name(TypeSpec type, string ns) => type.Kind switch
    {
        ValueKind.String => "string",
        ValueKind.Integer => "long",
        ValueKind.Number => "double",
        ValueKind.Boolean => "bool",
        ValueKind.DateTime => "global::System.DateTimeOffset",
        ValueKind.Uri => "global::System.Uri",
        ValueKind.Uuid => "global::System.Guid",
        ValueKind.Shape or ValueKind.Enum or ValueKind.Event => $"global::{ns}.{type.Name}",
        ValueKind.Array => $"global::System.Collections.Generic.IReadOnlyList<{Name(type.Element!, ns)}>",
        ValueKind.Map => $"global::System.Collections.Generic.IReadOnlyDictionary<string, {Name(type.Element!, ns)}>",
        ValueKind.Any => "global::System.Text.Json.JsonElement",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string NullableName(TypeSpec type, string ns, bool nullable) => nullable ? Name(type, ns) + "?" : Name(type, ns);

    /// <summary>
    /// An expression that reads a non-null value with the reader on its first token.
    /// Arrays and maps are read by a method named <paramref name="collectionReader"/> emitted beside it.
    /// </summary>
    public static string ReadExpression(TypeSpec type, string ns, string jsonName, string collectionReader) => type.Kind switch
    {
        ValueKind.String => $"{Helpers}.ReadString(ref reader, {Literal(jsonName)})",
        ValueKind.Integer => $"{Helpers}.ReadInt64(ref reader, {Literal(jsonName)})",
        ValueKind.Number => $"{Helpers}.ReadDouble(ref reader, {Literal(jsonName)})",
        ValueKind.Boolean => $"{Helpers}.ReadBoolean(ref reader, {Literal(jsonName)})",
        ValueKind.DateTime => $"{Helpers}.ReadDateTimeOffset(ref reader, {Literal(jsonName)})",
        ValueKind.Uri => $"{Helpers}.ReadUri(ref reader, {Literal(jsonName)})",
        ValueKind.Uuid => $"{Helpers}.ReadGuid(ref reader, {Literal(jsonName)})",
        ValueKind.Shape => $"global::{ns}.{type.Name}JsonConverter.ReadValue(ref reader, options)",
        ValueKind.Enum => $"global::{ns}.{type.Name}JsonConverter.ReadValue(ref reader, {Literal(jsonName)})",
        ValueKind.Event => $"global::{ns}.EventJsonConverter.ReadValue(ref reader, options)",
        ValueKind.Any => $"{Helpers}.ReadElement(ref reader)",
        ValueKind.Array or ValueKind.Map => $"{collectionReader}(ref reader, options)",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>A statement that writes the non-null value <paramref name="value"/> (no property name).</summary>
    public static string WriteValueStatement(TypeSpec type, string ns, string value, string collectionWriter) => type.Kind switch
    {
        ValueKind.String => $"writer.WriteStringValue({value});",
        ValueKind.Integer => $"writer.WriteNumberValue({value});",
        ValueKind.Number => $"writer.WriteNumberValue({value});",
        ValueKind.Boolean => $"writer.WriteBooleanValue({value});",
        ValueKind.DateTime => $"{Helpers}.WriteDateTimeOffsetValue(writer, {value});",
        ValueKind.Uri => $"writer.WriteStringValue({value}.OriginalString);",
        ValueKind.Uuid => $"writer.WriteStringValue({value});",
        ValueKind.Shape => $"global::{ns}.{type.Name}JsonConverter.WriteValue(writer, {value}, options);",
        ValueKind.Enum => $"global::{ns}.{type.Name}JsonConverter.WriteValue(writer, {value});",
        ValueKind.Event => $"global::{ns}.EventJsonConverter.WriteValue(writer, {value}, options);",
        ValueKind.Any => $"{value}.WriteTo(writer);",
        ValueKind.Array or ValueKind.Map => $"{collectionWriter}(writer, {value}, options);",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>A statement writing property <paramref name="encodedName"/> with the non-null <paramref name="value"/>.</summary>
    public static string WritePropertyStatement(TypeSpec type, string ns, string encodedName, string value, string collectionWriter) => type.Kind switch
    {
        // The combined writer calls skip a separate property-name state transition.
        ValueKind.String => $"writer.WriteString({encodedName}, {value});",
        ValueKind.Integer or ValueKind.Number => $"writer.WriteNumber({encodedName}, {value});",
        ValueKind.Boolean => $"writer.WriteBoolean({encodedName}, {value});",
        ValueKind.Uuid => $"writer.WriteString({encodedName}, {value});",
        _ => $"writer.WritePropertyName({encodedName}); {WriteValueStatement(type, ns, value, collectionWriter)}",
    };

    /// <summary>The C# literal for a string.</summary>
    public static string Literal(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 0x20 || c > 0x7E)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>The UTF-8 literal for a string, e.g. <c>"text"u8</c>.</summary>
    public static string Utf8Literal(string value) => Literal(value) + "u8";
}
