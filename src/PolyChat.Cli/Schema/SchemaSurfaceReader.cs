using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using PolyChat.Protocol.Generators.Parsing;

namespace PolyChat.Cli.Schema;

/// <summary>
/// Reads an event schema into a <see cref="SchemaSurface"/>, naming types and members as the source generator
/// does (the same <see cref="Naming"/> rules, compiled from the generator's own file). It reads what a valid
/// schema holds; whether a schema is valid is the generator's call, and its diagnostics say why.
/// </summary>
internal sealed class SchemaSurfaceReader
{
    private const string DefsPrefix = "#/$defs/";

    private readonly Dictionary<string, EventSurface> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ShapeSurface> _shapes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EnumSurface> _enums = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> _definitions = new(StringComparer.Ordinal);

    private SchemaSurfaceReader()
    {
    }

    /// <summary>Reads the schema text.</summary>
    /// <exception cref="SchemaReadException">The text is not JSON, or not an event schema.</exception>
    public static SchemaSurface Read(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        }
        catch (JsonException exception)
        {
            throw new SchemaReadException($"not valid JSON: {exception.Message}", "$");
        }

        using (document)
        {
            var reader = new SchemaSurfaceReader();
            reader.ReadRoot(document.RootElement);
            return new SchemaSurface(reader._events, reader._shapes, reader._enums);
        }
    }

    private void ReadRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SchemaReadException("the schema must be a JSON object", "$");
        }

        if (root.TryGetProperty("$defs", out var defs) && defs.ValueKind == JsonValueKind.Object)
        {
            foreach (var definition in defs.EnumerateObject())
            {
                _definitions[definition.Name] = definition.Value;
            }
        }

        var eventNames = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("oneOf", out var oneOf) && oneOf.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in oneOf.EnumerateArray())
            {
                if (RefName(item) is { } name)
                {
                    eventNames.Add(name);
                }
                else
                {
                    throw new SchemaReadException("each entry must be { \"$ref\": \"#/$defs/<Name>\" }", $"$.oneOf[{index}]");
                }

                index++;
            }
        }

        foreach (var (name, node) in _definitions)
        {
            var path = $"$.$defs.{name}";
            if (eventNames.Contains(name))
            {
                ReadEvent(name, node, path);
            }
            else if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("enum", out _))
            {
                ReadEnum(name, node, path);
            }
            else if (node.ValueKind == JsonValueKind.Object)
            {
                ReadShape(name, node, path);
            }
        }
    }

    private void ReadEvent(string name, JsonElement node, string path)
    {
        var properties = node.ValueKind == JsonValueKind.Object && node.TryGetProperty("properties", out var p) ? p : default;
        var wireType = properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("type", out var type)
            && type.ValueKind == JsonValueKind.Object && type.TryGetProperty("const", out var constant) && constant.ValueKind == JsonValueKind.String
            ? constant.GetString()!
            : throw new SchemaReadException("an event needs properties.type.const", path);
        var payload = properties.TryGetProperty("payload", out var payloadNode) ? RefName(payloadNode) ?? "" : "";
        _events[name] = new EventSurface(
            name,
            wireType,
            payload,
            node.TryGetProperty("x-transient", out var transient) && transient.ValueKind == JsonValueKind.True,
            node.TryGetProperty("x-direction", out var direction) && direction.ValueKind == JsonValueKind.String ? direction.GetString()! : "server",
            path);
    }

    private void ReadShape(string name, JsonElement node, string path)
    {
        if (_shapes.ContainsKey(name))
        {
            return;
        }

        var required = new HashSet<string>(StringComparer.Ordinal);
        if (node.TryGetProperty("required", out var requiredNode) && requiredNode.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in requiredNode.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    required.Add(item.GetString()!);
                }
            }
        }

        var properties = new List<PropertySurface>();

        // Reserve the slot first: an inline object inside may refer back by name.
        _shapes[name] = new ShapeSurface(name, properties, path);
        var clrNames = new HashSet<string>(Naming.ReservedShapeMembers, StringComparer.Ordinal) { name };
        if (node.TryGetProperty("properties", out var propertiesNode) && propertiesNode.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in propertiesNode.EnumerateObject())
            {
                var propertyPath = $"{path}.properties.{property.Name}";
                var type = ResolveType(name, property.Name, property.Value, propertyPath, out var allowsNull);
                properties.Add(new PropertySurface(property.Name, Naming.PropertyName(name, property.Name, properties.Count, clrNames), type, required.Contains(property.Name), allowsNull, propertyPath));
            }
        }
    }

    private void ReadEnum(string name, JsonElement node, string path)
    {
        var values = node.GetProperty("enum").ValueKind == JsonValueKind.Array
            ? node.GetProperty("enum").EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : new List<string>();
        var names = Naming.EnumMemberNames(values);
        if (node.TryGetProperty("x-enum-names", out var explicitNames) && explicitNames.ValueKind == JsonValueKind.Array
            && explicitNames.GetArrayLength() == values.Count)
        {
            names = explicitNames.EnumerateArray().Select(n => n.ValueKind == JsonValueKind.String ? n.GetString()! : "").ToList();
        }

        var used = new HashSet<string>(Naming.ReservedEnumMembers, StringComparer.Ordinal) { name };
        var members = new List<EnumValueSurface>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var memberName = Naming.AvoidOwnMembers(names[i], name, Naming.ReservedEnumMembers);
            if (!used.Add(memberName))
            {
                memberName += (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                used.Add(memberName);
            }

            members.Add(new EnumValueSurface(values[i], memberName));
        }

        _enums[name] = new EnumSurface(name, members, path);
    }

    private string ResolveType(string owner, string jsonName, JsonElement node, string path, out bool allowsNull)
    {
        allowsNull = false;
        if (node.ValueKind != JsonValueKind.Object)
        {
            return "json";
        }

        if (node.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            return ResolveReference(reference.GetString()!);
        }

        var types = new List<string>();
        if (node.TryGetProperty("type", out var typeNode))
        {
            if (typeNode.ValueKind == JsonValueKind.String)
            {
                types.Add(typeNode.GetString()!);
            }
            else if (typeNode.ValueKind == JsonValueKind.Array)
            {
                types.AddRange(typeNode.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!));
            }
        }

        allowsNull = types.Remove("null");
        var inlineName = owner + Naming.ToPascalCase(jsonName);
        if (node.TryGetProperty("enum", out _))
        {
            ReadEnum(inlineName, node, path);
            return "enum:" + inlineName;
        }

        var type = types.Count == 1 ? types[0] : node.TryGetProperty("properties", out _) ? "object" : null;
        switch (type)
        {
            case "string":
                return node.TryGetProperty("format", out var format) && format.GetString() is "date-time" or "uri" or "uri-reference" or "iri" or "uuid"
                    ? "string:" + (format.GetString() is "uri-reference" or "iri" ? "uri" : format.GetString())
                    : "string";
            case "integer" or "number" or "boolean":
                return type;
            case "array":
                return node.TryGetProperty("items", out var items)
                    ? $"array<{ResolveType(owner, jsonName + "_item", items, path + ".items", out _)}>"
                    : "array<json>";
            case "object" when node.TryGetProperty("properties", out _):
                ReadShape(inlineName, node, path);
                return "shape:" + inlineName;
            case "object" when node.TryGetProperty("additionalProperties", out var values) && values.ValueKind == JsonValueKind.Object:
                return $"map<{ResolveType(owner, jsonName + "_value", values, path + ".additionalProperties", out _)}>";
            default:
                return "json";
        }
    }

    private string ResolveReference(string reference)
    {
        if (reference == "#")
        {
            return "event";
        }

        var name = reference.StartsWith(DefsPrefix, StringComparison.Ordinal) ? reference.Substring(DefsPrefix.Length) : reference;
        return _definitions.TryGetValue(name, out var target) && target.ValueKind == JsonValueKind.Object && target.TryGetProperty("enum", out _)
            ? "enum:" + name
            : "shape:" + name;
    }

    private static string? RefName(JsonElement node) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String
            && reference.GetString() is { } text && text.StartsWith(DefsPrefix, StringComparison.Ordinal)
            ? text.Substring(DefsPrefix.Length)
            : null;
}
