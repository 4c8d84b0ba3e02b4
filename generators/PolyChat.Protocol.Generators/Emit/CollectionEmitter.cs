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
        var writeElement = TypeSyntax.WriteValueStatement(element, ns, type.Kind == ValueKind.Array ? "value[i]" : "pair.Value", "Write" + elementSuffix);
        writer.WriteLine();
        if (type.Kind == ValueKind.Array)
        {
            writer.WriteBlock($$"""
                private static {{typeName}} Read{{methodSuffix}}(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Text.Json.JsonSerializerOptions? options)
                {
                    {{TypeSyntax.Helpers}}.ExpectStartArray(ref reader, {{literal}});
                    var items = new {{TypeSyntax.ArrayBuilder}}<{{elementName}}>();
                    try
                    {
                        while (reader.Read() && reader.TokenType != global::System.Text.Json.JsonTokenType.EndArray)
                        {
                            items.Add({{readElement}});
                        }

                        return items.ToArrayAndReturn();
                    }
                    finally
                    {
                        items.Dispose();
                    }
                }

                private static void Write{{methodSuffix}}(global::System.Text.Json.Utf8JsonWriter writer, {{typeName}} value, global::System.Text.Json.JsonSerializerOptions? options)
                {
                    writer.WriteStartArray();
                    for (var i = 0; i < value.Count; i++)
                    {
                        {{writeElement}}
                    }

                    writer.WriteEndArray();
                }
                """);
        }
        else
        {
            // The concrete Dictionary's struct enumerator keeps writing allocation-free in the common case.
            writer.WriteBlock($$"""
                private static {{typeName}} Read{{methodSuffix}}(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Text.Json.JsonSerializerOptions? options)
                {
                    {{TypeSyntax.Helpers}}.ExpectStartObject(ref reader, {{literal}});
                    var map = new global::System.Collections.Generic.Dictionary<string, {{elementName}}>(global::System.StringComparer.Ordinal);
                    while ({{TypeSyntax.Helpers}}.NextProperty(ref reader))
                    {
                        var key = {{TypeSyntax.Helpers}}.GetString(ref reader);
                        reader.Read();
                        map[key] = {{readElement}};
                    }

                    return map;
                }

                private static void Write{{methodSuffix}}(global::System.Text.Json.Utf8JsonWriter writer, {{typeName}} value, global::System.Text.Json.JsonSerializerOptions? options)
                {
                    writer.WriteStartObject();
                    if (value is global::System.Collections.Generic.Dictionary<string, {{elementName}}> dictionary)
                    {
                        foreach (var pair in dictionary)
                        {
                            writer.WritePropertyName(pair.Key);
                            {{writeElement}}
                        }
                    }
                    else
                    {
                        foreach (var pair in value)
                        {
                            writer.WritePropertyName(pair.Key);
                            {{writeElement}}
                        }
                    }

                    writer.WriteEndObject();
                }
                """);
        }

        EmitMethods(writer, ns, element, elementSuffix, jsonName);
    }
}
