using System.Linq;
using PolyChat.Protocol.Generators.Helpers;
using PolyChat.Protocol.Generators.Model;

namespace PolyChat.Protocol.Generators.Emit;

/// <summary>
/// Emits an open enum: a struct over the wire string with the known values as static members.
/// A value the schema does not list is kept as received, so reading never fails on it and it round-trips.
/// </summary>
internal static class EnumEmitter
{
    public static string Emit(EnumEmitModel model)
    {
        var writer = new SourceWriter();
        Headers.Write(writer, model.Namespace);
        EmitStruct(writer, model.Enum);
        writer.WriteLine();
        EmitConverter(writer, model.Namespace, model.Enum);
        return writer.ToString();
    }

    public static void EmitStruct(SourceWriter writer, EnumSpec spec)
    {
        var name = spec.Name;
        var isKnown = spec.Members.IsEmpty
            ? "false"
            : "Value is " + string.Join(" or ", spec.Members.Select(m => TypeSyntax.Literal(m.WireValue)));
        DocComments.Summary(writer, spec.Description, $"The <c>{name}</c> values of the event schema.");
        writer.WriteBlock($$"""
            /// <remarks>
            /// An open enum: values the schema does not list are kept as received (see <see cref="IsKnown"/>)
            /// and written back unchanged. <see langword="default"/> holds the empty string.
            /// </remarks>
            {{Headers.GeneratedCode}}
            public readonly partial struct {{name}} : global::System.IEquatable<{{name}}>
            """);
        writer.OpenBrace();
        writer.WriteBlock($$"""
            private readonly string? _value;

            /// <summary>Creates a <see cref="{{name}}"/> from its wire value, known or not.</summary>
            /// <param name="value">The exact string sent on the wire.</param>
            /// <exception cref="global::System.ArgumentNullException"><paramref name="value"/> is null.</exception>
            public {{name}}(string value) => _value = value ?? throw new global::System.ArgumentNullException(nameof(value));
            """);
        foreach (var member in spec.Members)
        {
            writer.WriteLine();
            writer.WriteBlock($$"""
                /// <summary>The wire value <c>{{DocComments.Escape(member.WireValue)}}</c>.</summary>
                public static {{name}} {{member.Name}} { get; } = new({{TypeSyntax.Literal(member.WireValue)}});
                """);
        }

        writer.WriteLine();
        writer.WriteBlock($$"""
            /// <summary>The string sent on the wire.</summary>
            public string Value => _value ?? string.Empty;

            /// <summary>Whether the value is one the schema lists.</summary>
            public bool IsKnown => {{isKnown}};

            /// <inheritdoc/>
            public bool Equals({{name}} other) => string.Equals(Value, other.Value, global::System.StringComparison.Ordinal);

            /// <inheritdoc/>
            public override bool Equals(object? obj) => obj is {{name}} other && Equals(other);

            /// <inheritdoc/>
            public override int GetHashCode() => global::System.StringComparer.Ordinal.GetHashCode(Value);

            /// <summary>Returns the wire value.</summary>
            public override string ToString() => Value;

            /// <summary>Compares two values ordinally.</summary>
            public static bool operator ==({{name}} left, {{name}} right) => left.Equals(right);

            /// <summary>Compares two values ordinally.</summary>
            public static bool operator !=({{name}} left, {{name}} right) => !left.Equals(right);
            """);
        writer.CloseBrace();
    }

    private static void EmitConverter(SourceWriter writer, string ns, EnumSpec spec)
    {
        var type = $"global::{ns}.{spec.Name}";
        writer.WriteBlock($$"""
            /// <summary>Reads and writes <see cref="{{spec.Name}}"/>; known values are matched on bytes and never allocate.</summary>
            {{Headers.GeneratedCode}}
            internal sealed class {{spec.Name}}JsonConverter : global::System.Text.Json.Serialization.JsonConverter<{{type}}>
            """);
        writer.OpenBrace();
        writer.WriteLine($"public static readonly {spec.Name}JsonConverter Instance = new();");
        writer.WriteLine();
        foreach (var member in spec.Members)
        {
            writer.WriteLine($"private static readonly global::System.Text.Json.JsonEncodedText {member.Name}Value = global::System.Text.Json.JsonEncodedText.Encode({TypeSyntax.Literal(member.WireValue)});");
        }

        if (!spec.Members.IsEmpty)
        {
            writer.WriteLine();
        }

        writer.WriteBlock($$"""
            public override {{type}} Read(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Type typeToConvert, global::System.Text.Json.JsonSerializerOptions options) => ReadValue(ref reader, "value");

            public override void Write(global::System.Text.Json.Utf8JsonWriter writer, {{type}} value, global::System.Text.Json.JsonSerializerOptions options) => WriteValue(writer, value);
            """);
        writer.WriteLine();
        EmitReadValue(writer, spec, type);
        writer.WriteLine();
        EmitWriteValue(writer, spec, type);
        writer.CloseBrace();
    }

    private static void EmitReadValue(SourceWriter writer, EnumSpec spec, string type)
    {
        writer.WriteLine($"public static {type} ReadValue(ref global::System.Text.Json.Utf8JsonReader reader, string property)");
        writer.OpenBrace();
        writer.WriteLine($"{TypeSyntax.Helpers}.ExpectString(ref reader, property);");
        if (!spec.Members.IsEmpty)
        {
            writer.WriteLine("if (!reader.ValueIsEscaped && !reader.HasValueSequence)");
            writer.OpenBrace();
            writer.WriteLine("var value = reader.ValueSpan;");
            foreach (var member in spec.Members)
            {
                writer.WriteBlock($$"""
                    if (global::System.MemoryExtensions.SequenceEqual(value, {{TypeSyntax.Utf8Literal(member.WireValue)}}))
                    {
                        return {{type}}.{{member.Name}};
                    }
                    """);
            }

            writer.CloseBrace();
            writer.WriteLine();
        }

        writer.WriteLine($"return new {type}({TypeSyntax.Helpers}.GetString(ref reader));");
        writer.CloseBrace();
    }

    private static void EmitWriteValue(SourceWriter writer, EnumSpec spec, string type)
    {
        writer.WriteLine($"public static void WriteValue(global::System.Text.Json.Utf8JsonWriter writer, {type} value)");
        writer.OpenBrace();
        if (spec.Members.IsEmpty)
        {
            writer.WriteLine("writer.WriteStringValue(value.Value);");
        }
        else
        {
            writer.WriteLine("switch (value.Value)");
            writer.OpenBrace();
            foreach (var member in spec.Members)
            {
                writer.WriteBlock($$"""
                    case {{TypeSyntax.Literal(member.WireValue)}}:
                        writer.WriteStringValue({{member.Name}}Value);
                        break;
                    """);
            }

            writer.WriteBlock("""
                default:
                    writer.WriteStringValue(value.Value);
                    break;
                """);
            writer.CloseBrace();
        }

        writer.CloseBrace();
    }
}
