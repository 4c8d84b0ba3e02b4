using PolyChat.Protocol.Generators.Helpers;
using PolyChat.Protocol.Generators.Model;

namespace PolyChat.Protocol.Generators.Emit;

/// <summary>Emits the read and write methods of array and map properties (recursively for nested ones).</summary>
internal static class CollectionEmitter
{
    public static void EmitMethods(SourceWriter writer, string ns, TypeSpec type, string methodSuffix, string jsonName)
    {
        if (type.Kind is not (ValueKind.Array or ValueKind.Map))
        {
            return;
        }

        var element = type.Element!;
        var elementSuffix = methodSuffix + "Item";
        var typeName = TypeSyntax.Name(type, ns);
        var elementName = TypeSyntax.Name(element, ns);
        var readElement = TypeSyntax.ReadExpression(element, ns, jsonName, "Read" + elementSuffix);
        var literal = TypeSyntax.Literal(jsonName);

        writer.WriteLine();
        writer.WriteLine($"private static {typeName} Read{methodSuffix}(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Text.Json.JsonSerializerOptions? options)");
        writer.OpenBrace();
        if (type.Kind == ValueKind.Array)
        {
            writer.WriteLine($"{TypeSyntax.Helpers}.ExpectStartArray(ref reader, {literal});");
            writer.WriteLine($"var items = new {TypeSyntax.ArrayBuilder}<{elementName}>();");
            writer.WriteLine("try");
            writer.OpenBrace();
            writer.WriteLine("while (reader.Read() && reader.TokenType != global::System.Text.Json.JsonTokenType.EndArray)");
            writer.OpenBrace();
            writer.WriteLine($"items.Add({readElement});");
            writer.CloseBrace();
            writer.WriteLine();
            writer.WriteLine("return items.ToArrayAndReturn();");
            writer.CloseBrace();
            writer.WriteLine("finally");
            writer.OpenBrace();
            writer.WriteLine("items.Dispose();");
            writer.CloseBrace();
        }
        else
        {
            writer.WriteLine($"{TypeSyntax.Helpers}.ExpectStartObject(ref reader, {literal});");
            writer.WriteLine($"var map = new global::System.Collections.Generic.Dictionary<string, {elementName}>(global::System.StringComparer.Ordinal);");
            writer.WriteLine($"while ({TypeSyntax.Helpers}.NextProperty(ref reader))");
            writer.OpenBrace();
            writer.WriteLine($"var key = {TypeSyntax.Helpers}.GetString(ref reader);");
            writer.WriteLine("reader.Read();");
            writer.WriteLine($"map[key] = {readElement};");
            writer.CloseBrace();
            writer.WriteLine();
            writer.WriteLine("return map;");
        }

        writer.CloseBrace();
        writer.WriteLine();
        writer.WriteLine($"private static void Write{methodSuffix}(global::System.Text.Json.Utf8JsonWriter writer, {typeName} value, global::System.Text.Json.JsonSerializerOptions? options)");
        writer.OpenBrace();
        if (type.Kind == ValueKind.Array)
        {
            writer.WriteLine("writer.WriteStartArray();");
            writer.WriteLine("for (var i = 0; i < value.Count; i++)");
            writer.OpenBrace();
            writer.WriteLine(TypeSyntax.WriteValueStatement(element, ns, "value[i]", "Write" + elementSuffix));
            writer.CloseBrace();
            writer.WriteLine();
            writer.WriteLine("writer.WriteEndArray();");
        }
        else
        {
            // The concrete Dictionary's struct enumerator keeps writing allocation-free in the common case.
            writer.WriteLine("writer.WriteStartObject();");
            writer.WriteLine($"if (value is global::System.Collections.Generic.Dictionary<string, {elementName}> dictionary)");
            writer.OpenBrace();
            writer.WriteLine("foreach (var pair in dictionary)");
            writer.OpenBrace();
            writer.WriteLine("writer.WritePropertyName(pair.Key);");
            writer.WriteLine(TypeSyntax.WriteValueStatement(element, ns, "pair.Value", "Write" + elementSuffix));
            writer.CloseBrace();
            writer.CloseBrace();
            writer.WriteLine("else");
            writer.OpenBrace();
            writer.WriteLine("foreach (var pair in value)");
            writer.OpenBrace();
            writer.WriteLine("writer.WritePropertyName(pair.Key);");
            writer.WriteLine(TypeSyntax.WriteValueStatement(element, ns, "pair.Value", "Write" + elementSuffix));
            writer.CloseBrace();
            writer.CloseBrace();
            writer.WriteLine();
            writer.WriteLine("writer.WriteEndObject();");
        }

        writer.CloseBrace();
        EmitMethods(writer, ns, element, elementSuffix, jsonName);
    }
}
