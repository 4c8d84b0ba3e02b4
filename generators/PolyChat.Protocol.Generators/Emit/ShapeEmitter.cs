using System.Globalization;
using System.Text;
using PolyChat.Protocol.Generators.Helpers;
using PolyChat.Protocol.Generators.Model;

namespace PolyChat.Protocol.Generators.Emit;

/// <summary>Emits one object shape: a sealed record and the converter that reads and writes it.</summary>
internal static class ShapeEmitter
{
    private const string Reader = "global::System.Text.Json.Utf8JsonReader";
    private const string Writer = "global::System.Text.Json.Utf8JsonWriter";
    private const string Options = "global::System.Text.Json.JsonSerializerOptions";
    private const string AdditionalType = "global::System.Collections.Generic.IReadOnlyDictionary<string, global::System.Text.Json.JsonElement>";

    public static string Emit(ShapeEmitModel model)
    {
        var (ns, shape) = (model.Namespace, model.Shape);
        var writer = new SourceWriter();
        Headers.Write(writer, ns);
        EmitRecord(writer, ns, shape);
        writer.WriteLine();
        EmitConverter(writer, ns, shape);
        return writer.ToString();
    }

    private static void EmitRecord(SourceWriter writer, string ns, ShapeSpec shape)
    {
        DocComments.Summary(writer, shape.Description, $"The <c>{shape.Name}</c> shape of the event schema.");
        writer.WriteBlock($$"""
            {{Headers.GeneratedCode}}
            public sealed partial record {{shape.Name}}
            """);
        writer.OpenBrace();
        foreach (var property in shape.Properties)
        {
            DocComments.Summary(writer, property.Description, $"The <c>{property.JsonName}</c> property.");
            var remarks = new StringBuilder($"/// <remarks>JSON name <c>{DocComments.Escape(property.JsonName)}</c>");
            remarks.Append(property.IsRequired ? "; required." : "; optional, <see langword=\"null\"/> when absent.");
            if (property.IsDeprecated)
            {
                remarks.Append(" Deprecated by the schema: read it only as a fallback.");
            }

            writer.WriteLine(remarks.Append("</remarks>").ToString());
            var required = property.IsRequired ? "required " : string.Empty;
            writer.WriteLine($"public {required}{TypeSyntax.NullableName(property.Type, ns, property.IsNullable)} {property.ClrName} {{ get; init; }}");
            writer.WriteLine();
        }

        writer.WriteBlock($$"""
            /// <summary>Properties received that the schema does not declare, written back unchanged so nothing is lost.</summary>
            public {{AdditionalType}}? AdditionalProperties { get; init; }
            """);
        writer.CloseBrace();
    }

    private static void EmitConverter(SourceWriter writer, string ns, ShapeSpec shape)
    {
        var type = $"global::{ns}.{shape.Name}";
        writer.WriteBlock($$"""
            /// <summary>Reads and writes <see cref="{{shape.Name}}"/> without reflection.</summary>
            {{Headers.GeneratedCode}}
            internal sealed class {{shape.Name}}JsonConverter : global::System.Text.Json.Serialization.JsonConverter<{{type}}>
            """);
        writer.OpenBrace();
        writer.WriteLine($"public static readonly {shape.Name}JsonConverter Instance = new();");
        writer.WriteLine();
        foreach (var property in shape.Properties)
        {
            writer.WriteLine($"private static readonly global::System.Text.Json.JsonEncodedText {property.ClrName}PropertyName = global::System.Text.Json.JsonEncodedText.Encode({TypeSyntax.Literal(property.JsonName)});");
        }

        if (!shape.Properties.IsEmpty)
        {
            writer.WriteLine();
        }

        writer.WriteBlock($$"""
            public override {{type}} Read(ref {{Reader}} reader, global::System.Type typeToConvert, {{Options}} options) => ReadValue(ref reader, options);

            public override void Write({{Writer}} writer, {{type}} value, {{Options}} options) => WriteValue(writer, value, options);
            """);
        writer.WriteLine();
        EmitReadValue(writer, ns, shape, type);
        writer.WriteLine();
        EmitWriteValue(writer, ns, shape, type);
        if (!shape.Properties.IsEmpty)
        {
            writer.WriteLine();
            PropertyMatcher.Emit(writer, shape.Properties);
        }

        foreach (var property in shape.Properties)
        {
            CollectionEmitter.EmitMethods(writer, ns, property.Type, property.ClrName, property.JsonName);
        }

        writer.CloseBrace();
    }

    private static void EmitReadValue(SourceWriter writer, string ns, ShapeSpec shape, string type)
    {
        writer.WriteLine($"public static {type} ReadValue(ref {Reader} reader, {Options}? options)");
        writer.OpenBrace();
        writer.WriteLine($"{TypeSyntax.Helpers}.ExpectStartObject(ref reader, {TypeSyntax.Literal(shape.Name)});");
        foreach (var property in shape.Properties)
        {
            var nonNullValueLocal = property.IsRequired && !property.IsNullable && property.Type.IsValueType;
            var localType = nonNullValueLocal ? TypeSyntax.Name(property.Type, ns) : TypeSyntax.Name(property.Type, ns) + "?";
            writer.WriteLine($"{localType} {Local(property)} = default;");
            if (property.IsRequired)
            {
                writer.WriteLine($"var has{property.ClrName} = false;");
            }
        }

        writer.WriteLine("global::System.Collections.Generic.Dictionary<string, global::System.Text.Json.JsonElement>? additionalProperties = null;");
        writer.WriteLine($"while ({TypeSyntax.Helpers}.NextProperty(ref reader))");
        writer.OpenBrace();
        if (shape.Properties.IsEmpty)
        {
            writer.WriteLine($"{TypeSyntax.Helpers}.ReadAdditionalProperty(ref reader, ref additionalProperties);");
        }
        else
        {
            writer.WriteLine("switch (MatchProperty(ref reader))");
            writer.OpenBrace();
            for (var i = 0; i < shape.Properties.Count; i++)
            {
                EmitReadCase(writer, ns, shape.Properties[i], i);
            }

            writer.WriteBlock($$"""
                default:
                    {{TypeSyntax.Helpers}}.ReadAdditionalProperty(ref reader, ref additionalProperties);
                    break;
                """);
            writer.CloseBrace();
        }

        writer.CloseBrace();
        foreach (var property in shape.Properties)
        {
            if (property.IsRequired)
            {
                writer.WriteLine();
                writer.WriteBlock($$"""
                    if (!has{{property.ClrName}})
                    {
                        throw {{TypeSyntax.Helpers}}.MissingProperty(ref reader, {{TypeSyntax.Literal(property.JsonName)}}, {{TypeSyntax.Literal(shape.Name)}});
                    }
                    """);
            }
        }

        writer.WriteLine();
        writer.WriteLine($"return new {type}");
        writer.OpenBrace();
        foreach (var property in shape.Properties)
        {
            var suffix = property.IsRequired && !property.IsNullable && !property.Type.IsValueType ? "!" : string.Empty;
            writer.WriteLine($"{property.ClrName} = {Local(property)}{suffix},");
        }

        writer.WriteLine("AdditionalProperties = additionalProperties,");
        writer.CloseBrace(";");
        writer.CloseBrace();
    }

    /// <summary>The <c>case</c> of <c>ReadValue</c>'s switch that reads one property, the reader on its name.</summary>
    private static void EmitReadCase(SourceWriter writer, string ns, PropertySpec property, int index)
    {
        var local = Local(property);
        var label = index.ToString(CultureInfo.InvariantCulture);
        if (!property.IsRequired && TryFormat(property.Type) is { } tryRead)
        {
            // Lenient on input: an optional value in the wrong format is kept as received, not fatal.
            writer.WriteBlock($$"""
                case {{label}}:
                    reader.Read();
                    if (reader.TokenType == global::System.Text.Json.JsonTokenType.Null)
                    {
                        {{local}} = null;
                    }
                    else if ({{TypeSyntax.Helpers}}.{{tryRead}}(ref reader, out var {{local}}Parsed))
                    {
                        {{local}} = {{local}}Parsed;
                    }
                    else
                    {
                        {{TypeSyntax.Helpers}}.KeepAsAdditional(ref reader, {{TypeSyntax.Literal(property.JsonName)}}, ref additionalProperties);
                    }

                    break;
                """);
            return;
        }

        var read = TypeSyntax.ReadExpression(property.Type, ns, property.JsonName, "Read" + property.ClrName);
        writer.WriteLine($"case {label}:");
        writer.Indent();
        writer.WriteLine("reader.Read();");
        writer.WriteLine(property.IsNullable
            ? $"{local} = reader.TokenType == global::System.Text.Json.JsonTokenType.Null ? null : {read};"
            : $"{local} = {read};");
        if (property.IsRequired)
        {
            writer.WriteLine($"has{property.ClrName} = true;");
        }

        writer.WriteLine("break;");
        writer.Unindent();
    }

    private static void EmitWriteValue(SourceWriter writer, string ns, ShapeSpec shape, string type)
    {
        writer.WriteLine($"public static void WriteValue({Writer} writer, {type} value, {Options}? options)");
        writer.OpenBrace();
        writer.WriteLine("writer.WriteStartObject();");
        foreach (var property in shape.Properties)
        {
            var encodedName = property.ClrName + "PropertyName";
            var collectionWriter = "Write" + property.ClrName;
            if (property.Type.IsValueType && !property.IsNullable)
            {
                writer.WriteLine(TypeSyntax.WritePropertyStatement(property.Type, ns, encodedName, "value." + property.ClrName, collectionWriter));
                continue;
            }

            var local = Local(property);
            writer.WriteBlock($$"""
                if (value.{{property.ClrName}} is { } {{local}})
                {
                    {{TypeSyntax.WritePropertyStatement(property.Type, ns, encodedName, local, collectionWriter)}}
                }
                """);
            if (property.IsRequired)
            {
                // A required property is always present on the wire, as null if the caller left it null.
                writer.WriteBlock($$"""
                    else
                    {
                        writer.WriteNull({{encodedName}});
                    }
                    """);
            }

            writer.WriteLine();
        }

        writer.WriteBlock($$"""
            {{TypeSyntax.Helpers}}.WriteAdditionalProperties(writer, value.AdditionalProperties);
            writer.WriteEndObject();
            """);
        writer.CloseBrace();
    }

    private static string? TryFormat(TypeSpec type) => type.Kind switch
    {
        ValueKind.DateTime => "TryReadDateTimeOffset",
        ValueKind.Uri => "TryReadUri",
        ValueKind.Uuid => "TryReadGuid",
        _ => null,
    };

    private static string Local(PropertySpec property) =>
        char.ToLowerInvariant(property.ClrName[0]) + property.ClrName.Substring(1) + "Value";
}
