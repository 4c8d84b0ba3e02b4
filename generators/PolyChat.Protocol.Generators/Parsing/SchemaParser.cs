using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using PolyChat.Protocol.Generators.Diagnostics;
using PolyChat.Protocol.Generators.Helpers;
using PolyChat.Protocol.Generators.Model;

namespace PolyChat.Protocol.Generators.Parsing;

/// <summary>
/// Reads one <c>*.events.schema.json</c> into a <see cref="SchemaSpec"/>. Reports problems as
/// <see cref="DiagnosticInfo"/> data and keeps going where it can, so one run shows every problem.
/// </summary>
internal sealed class SchemaParser
{
    private const string DefsPrefix = "#/$defs/";
    private const string SupportedDialect = "https://json-schema.org/draft/2020-12/schema";

    private static readonly string[] UnsupportedKeywords =
    {
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "patternProperties", "$dynamicRef", "dependentSchemas",
    };

    private readonly SchemaInput _input;
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly Dictionary<string, DefinitionKind> _definitionKinds = new(StringComparer.Ordinal);
    private readonly List<ShapeSpec> _shapes = new();
    private readonly List<EnumSpec> _enums = new();
    private readonly Dictionary<string, TextPosition> _typeNames = new(StringComparer.Ordinal);

    private SchemaParser(SchemaInput input) => _input = input;

    private enum DefinitionKind
    {
        Event,
        Shape,
        Enum,
    }

    public static ParseResult Parse(SchemaInput input, CancellationToken cancellationToken)
    {
        var parser = new SchemaParser(input);
        try
        {
            var spec = parser.ParseSchema(cancellationToken);
            return new ParseResult(spec, parser._diagnostics.ToEquatableArray());
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            // The generator must never take the build down: an unexpected failure becomes a diagnostic.
            parser._diagnostics.Add(new DiagnosticInfo(
                SchemaDiagnostics.InternalError.Id,
                new[] { exception.GetType().Name + ": " + exception.Message }.ToEquatableArray(),
                new LocationInfo(input.Path, 0, 0, 1, 1)));
            return new ParseResult(null, parser._diagnostics.ToEquatableArray());
        }
    }

    private SchemaSpec? ParseSchema(CancellationToken cancellationToken)
    {
        JsonNode document;
        try
        {
            document = SchemaJsonReader.Parse(_input.Text, out var duplicateKeys);
            foreach (var (name, position) in duplicateKeys)
            {
                Report(SchemaDiagnostics.DuplicateKey, position, name);
            }
        }
        catch (SchemaJsonException exception)
        {
            Report(SchemaDiagnostics.InvalidJson, exception.Position, exception.Message);
            return null;
        }

        if (document is not JsonObjectNode root)
        {
            ReportKind("the schema root", "an object", document);
            return null;
        }

        var dialect = GetString(root, "$schema");
        if (dialect is not null && dialect.TrimEnd('#') != SupportedDialect)
        {
            Report(SchemaDiagnostics.UnsupportedDialect, root.Get("$schema")!.Position, dialect);
        }

        var ns = ResolveNamespace(root);
        var contextName = _input.ContextNameOverride ?? GetString(root, "x-context") ?? DefaultContextName(_input.Path);
        if (!Identifiers.IsValidIdentifier(contextName))
        {
            Report(SchemaDiagnostics.InvalidIdentifier, (root.Get("x-context") ?? root).Position, contextName, "class");
        }

        foreach (var reserved in Naming.ReservedTypeNames)
        {
            _typeNames[reserved] = root.Position;
        }

        _typeNames[contextName] = root.Position;

        var definitions = GetObject(root, "$defs") ?? new JsonObjectNode(root.Position, new List<JsonPropertyNode>());
        var eventNames = ReadEventReferences(root, definitions);
        ClassifyDefinitions(definitions, eventNames);

        foreach (var definition in definitions.Properties)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_definitionKinds.TryGetValue(definition.Name, out var kind))
            {
                continue;
            }

            if (kind == DefinitionKind.Enum)
            {
                ParseEnum(Naming.TypeName(definition.Name), definition.NamePosition, (JsonObjectNode)definition.Value, DefinitionPath(definition.Name));
            }
            else if (kind == DefinitionKind.Shape)
            {
                ParseShape(Naming.TypeName(definition.Name), definition.NamePosition, (JsonObjectNode)definition.Value, DefinitionPath(definition.Name));
            }
        }

        var events = new List<EventSpec>();
        var wireTypes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, position) in eventNames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A definition already refused (PCP005, PCP016) is not read again as an event.
            if (_definitionKinds.ContainsKey(name) && definitions.Get(name) is JsonObjectNode node && ParseEvent(name, position, node) is { } spec)
            {
                if (!wireTypes.Add(spec.WireType))
                {
                    Report(SchemaDiagnostics.DuplicateWireType, position, spec.WireType);
                    continue;
                }

                events.Add(spec);
            }
        }

        if (eventNames.Count == 0)
        {
            Report(SchemaDiagnostics.NoEvents, root.Position);
        }

        var metadataType = GetObject(root, "properties")?.Get("metadata") is { } metadataNode
            ? ResolvePropertyType("Event", "metadata", metadataNode, "$.properties.metadata", out _)
            : TypeSpec.Any;

        if (ns is null || _diagnostics.Any(d => d.IsError))
        {
            return null;
        }

        return new SchemaSpec(
            ns,
            contextName,
            System.IO.Path.GetFileName(_input.Path),
            metadataType,
            events.OrderBy(e => e.Name, StringComparer.Ordinal).ToEquatableArray(),
            _shapes.OrderBy(s => s.Name, StringComparer.Ordinal).ToEquatableArray(),
            _enums.OrderBy(e => e.Name, StringComparer.Ordinal).ToEquatableArray());
    }

    private string? ResolveNamespace(JsonObjectNode root)
    {
        var ns = _input.NamespaceOverride ?? GetString(root, "x-namespace") ?? _input.RootNamespace;
        if (string.IsNullOrWhiteSpace(ns))
        {
            Report(SchemaDiagnostics.MissingNamespace, root.Position);
            return null;
        }

        if (!Identifiers.IsValidNamespace(ns!))
        {
            Report(SchemaDiagnostics.InvalidIdentifier, (root.Get("x-namespace") ?? root).Position, ns!, "namespace");
            return null;
        }

        return ns;
    }

    /// <summary>Where a definition is, as <c>polychat schema diff</c> prints it.</summary>
    private static string DefinitionPath(string name) => "$.$defs." + name;

    private static string DefaultContextName(string path)
    {
        // "chat.events.schema.json" → "ChatEventsJsonContext".
        var fileName = System.IO.Path.GetFileName(path);
        var stem = fileName.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase)
            ? fileName.Substring(0, fileName.Length - ".schema.json".Length)
            : fileName;
        return Naming.ToPascalCase(stem) + "JsonContext";
    }

    private List<(string Name, TextPosition Position)> ReadEventReferences(JsonObjectNode root, JsonObjectNode definitions)
    {
        var names = new List<(string, TextPosition)>();
        if (root.Get("oneOf") is not { } oneOf)
        {
            return names;
        }

        if (oneOf is not JsonArrayNode array)
        {
            ReportKind("oneOf", "an array of { \"$ref\": \"#/$defs/<Name>\" }", oneOf);
            return names;
        }

        foreach (var item in array.Items)
        {
            var reference = item is JsonObjectNode refObject ? GetString(refObject, "$ref") : null;
            if (reference is null || !reference.StartsWith(DefsPrefix, StringComparison.Ordinal))
            {
                ReportKind("an item of the root oneOf", "{ \"$ref\": \"#/$defs/<Name>\" }", item);
                continue;
            }

            var name = reference.Substring(DefsPrefix.Length);
            if (definitions.Get(name) is null)
            {
                Report(SchemaDiagnostics.UnresolvedReference, item.Position, reference);
                continue;
            }

            names.Add((name, item.Position));
        }

        return names;
    }

    private void ClassifyDefinitions(JsonObjectNode definitions, List<(string Name, TextPosition Position)> eventNames)
    {
        var events = new HashSet<string>(eventNames.Select(e => e.Name), StringComparer.Ordinal);
        foreach (var definition in definitions.Properties)
        {
            if (definition.Value is not JsonObjectNode node)
            {
                ReportKind("$defs/" + definition.Name, "an object", definition.Value);
                continue;
            }

            if (!Identifiers.IsValidIdentifier(definition.Name))
            {
                Report(SchemaDiagnostics.InvalidIdentifier, definition.NamePosition, definition.Name, "type");
                continue;
            }

            DefinitionKind kind;
            if (events.Contains(definition.Name))
            {
                kind = DefinitionKind.Event;
            }
            else if (node.Get("enum") is not null)
            {
                kind = DefinitionKind.Enum;
            }
            else if (GetTypeNames(node).Contains("object") || node.Get("properties") is not null)
            {
                kind = DefinitionKind.Shape;
            }
            else
            {
                Report(SchemaDiagnostics.UnsupportedConstruct, definition.NamePosition,
                    "$defs/" + definition.Name,
                    "a definition must be an event (listed in the root oneOf), an object with properties, or a string enum");
                continue;
            }

            // A type cannot have a member of its own name (CS0542), and each kind has members of its own.
            var typeName = Naming.TypeName(definition.Name);
            var clash = kind switch
            {
                // An event also names a member of the EventType struct.
                DefinitionKind.Event => Naming.EventMembers.Contains(typeName) || Naming.ReservedShapeMembers.Contains(typeName)
                    || Naming.ReservedEnumMembers.Contains(Naming.EventCaseName(typeName)),
                DefinitionKind.Enum => Naming.ReservedEnumMembers.Contains(typeName),
                _ => Naming.ReservedShapeMembers.Contains(typeName),
            };
            if (clash)
            {
                Report(SchemaDiagnostics.TypeNameIsOwnMember, definition.NamePosition, definition.Name,
                    kind == DefinitionKind.Enum ? "enum" : kind == DefinitionKind.Event ? "event record" : "record");
                continue;
            }

            _definitionKinds[definition.Name] = kind;
        }
    }

    private EventSpec? ParseEvent(string name, TextPosition position, JsonObjectNode node)
    {
        var typeName = Naming.TypeName(name);
        ClaimTypeName(typeName, position);
        var properties = GetObject(node, "properties");
        var wireType = properties?.Get("type") is JsonObjectNode typeNode ? GetString(typeNode, "const") : null;
        if (wireType is null || wireType.Length == 0)
        {
            Report(SchemaDiagnostics.InvalidEvent, node.Position, name,
                "it needs \"properties\": { \"type\": { \"const\": \"<wire type>\" } }");
            return null;
        }

        // Qualified: compiled into polychat, a bare name would find PolyChat.Protocol.EventDirection (an enclosing namespace) first.
        var direction = Model.EventDirection.Server;
        switch (GetString(node, "x-direction"))
        {
            case null:
            case "server":
                break;
            case "client":
                direction = Model.EventDirection.Client;
                break;
            case "both":
                direction = Model.EventDirection.Both;
                break;
            default:
                Report(SchemaDiagnostics.InvalidExtension, node.Get("x-direction")!.Position,
                    "x-direction", "\"client\", \"server\" or \"both\"");
                break;
        }

        var transient = false;
        if (node.Get("x-transient") is { } transientNode)
        {
            if (transientNode.Kind is JsonNodeKind.True or JsonNodeKind.False)
            {
                transient = transientNode.Kind == JsonNodeKind.True;
            }
            else
            {
                Report(SchemaDiagnostics.InvalidExtension, transientNode.Position, "x-transient", "true or false");
            }
        }

        var baseName = Naming.EventCaseName(typeName);
        string payloadType;
        switch (properties?.Get("payload"))
        {
            case JsonObjectNode payloadNode when GetString(payloadNode, "$ref") is { } reference:
                payloadType = reference.StartsWith(DefsPrefix, StringComparison.Ordinal) ? reference.Substring(DefsPrefix.Length) : reference;
                if (!_definitionKinds.TryGetValue(payloadType, out var kind) || kind != DefinitionKind.Shape)
                {
                    Report(SchemaDiagnostics.InvalidEvent, payloadNode.Position, name,
                        $"its payload '$ref': '{reference}' must name an object definition in $defs");
                    return null;
                }

                payloadType = Naming.TypeName(payloadType);

                break;
            case JsonObjectNode payloadNode:
                payloadType = baseName + "Payload";
                ParseShape(payloadType, payloadNode.Position, payloadNode, DefinitionPath(name) + ".properties.payload");
                break;
            case null:
                payloadType = baseName + "Payload";
                ParseShape(payloadType, node.Position, new JsonObjectNode(node.Position, new List<JsonPropertyNode>()), DefinitionPath(name) + ".properties.payload");
                break;
            case { } other:
                ReportKind($"$defs/{name}/properties/payload", "an object schema", other);
                return null;
        }

        var payloadShape = _shapes.FirstOrDefault(s => s.Name == payloadType);
        var payloadHasRequired = payloadShape?.Properties.Any(p => p.IsRequired) ?? false;
        return new EventSpec(typeName, wireType!, direction, transient, payloadType, payloadHasRequired, GetString(node, "description"), DefinitionPath(name));
    }

    private void ParseShape(string name, TextPosition position, JsonObjectNode node, string path)
    {
        ClaimTypeName(name, position);
        CheckUnsupportedKeywords(name, node);
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (node.Get("required") is { } requiredNode)
        {
            if (requiredNode is JsonArrayNode requiredArray)
            {
                foreach (var item in requiredArray.Items)
                {
                    if (item is JsonScalarNode { Kind: JsonNodeKind.String } text)
                    {
                        required.Add(text.Text);
                    }
                    else
                    {
                        ReportKind($"{name}/required[]", "a string", item);
                    }
                }
            }
            else
            {
                ReportKind($"{name}/required", "an array of strings", requiredNode);
            }
        }

        var properties = new List<PropertySpec>();
        var clrNames = new HashSet<string>(Naming.ReservedShapeMembers, StringComparer.Ordinal) { name };
        var propertiesNode = GetObject(node, "properties");
        foreach (var property in propertiesNode?.Properties ?? new List<JsonPropertyNode>())
        {
            var unique = Naming.PropertyName(name, property.Name, properties.Count, clrNames);
            var propertyPath = path + ".properties." + property.Name;
            var type = ResolvePropertyType(name, property.Name, property.Value, propertyPath, out var allowsNull);
            var isRequired = required.Contains(property.Name);
            var propertyObject = property.Value as JsonObjectNode;
            properties.Add(new PropertySpec(
                property.Name,
                unique,
                type,
                isRequired,
                IsNullable: !isRequired || allowsNull,
                IsDeprecated: propertyObject?.Get("deprecated")?.Kind == JsonNodeKind.True,
                Description: propertyObject is null ? null : GetString(propertyObject, "description"),
                SchemaPath: propertyPath));
        }

        foreach (var requiredName in required)
        {
            if (propertiesNode?.Get(requiredName) is null)
            {
                Report(SchemaDiagnostics.UnknownRequiredProperty, (node.Get("required") ?? node).Position, requiredName, name);
            }
        }

        _shapes.Add(new ShapeSpec(name, GetString(node, "description"), properties.ToEquatableArray(), path));
    }

    private void ParseEnum(string name, TextPosition position, JsonObjectNode node, string path)
    {
        ClaimTypeName(name, position);
        var values = new List<string>();
        if (node.Get("enum") is JsonArrayNode array)
        {
            foreach (var item in array.Items)
            {
                if (item is JsonScalarNode { Kind: JsonNodeKind.String } text)
                {
                    values.Add(text.Text);
                }
                else
                {
                    ReportKind($"{name}/enum[]", "a string (only string enums are supported)", item);
                }
            }
        }
        else
        {
            ReportKind($"{name}/enum", "an array of strings", node.Get("enum")!);
        }

        var names = Naming.EnumMemberNames(values);
        if (node.Get("x-enum-names") is { } namesNode)
        {
            if (namesNode is JsonArrayNode namesArray && namesArray.Items.Count == values.Count
                && namesArray.Items.All(i => i is JsonScalarNode { Kind: JsonNodeKind.String } s && Identifiers.IsValidIdentifier(s.Text)))
            {
                names = namesArray.Items.Select(i => ((JsonScalarNode)i).Text).ToList();
            }
            else
            {
                Report(SchemaDiagnostics.InvalidExtension, namesNode.Position, "x-enum-names",
                    "an array of C# identifiers, one for each value of 'enum'");
            }
        }

        var members = new List<EnumMemberSpec>();
        var used = new HashSet<string>(Naming.ReservedEnumMembers, StringComparer.Ordinal) { name };
        for (var i = 0; i < values.Count; i++)
        {
            var memberName = Naming.AvoidOwnMembers(names[i], name, Naming.ReservedEnumMembers);
            if (!used.Add(memberName))
            {
                var fallback = memberName + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                Report(SchemaDiagnostics.EnumMemberNameClash, node.Position, name, memberName, fallback);
                used.Add(fallback);
                memberName = fallback;
            }

            members.Add(new EnumMemberSpec(memberName, values[i]));
        }

        _enums.Add(new EnumSpec(name, GetString(node, "description"), members.ToEquatableArray(), path));
    }

    private TypeSpec ResolvePropertyType(string owner, string jsonName, JsonNode node, string path, out bool allowsNull)
    {
        allowsNull = false;
        if (node.Kind == JsonNodeKind.True)
        {
            return TypeSpec.Any;
        }

        if (node is not JsonObjectNode schema)
        {
            ReportKind($"{owner}/{jsonName}", "a schema object", node);
            return TypeSpec.Any;
        }

        CheckUnsupportedKeywords($"{owner}.{jsonName}", schema);
        if (GetString(schema, "$ref") is { } reference)
        {
            return ResolveReference(reference, schema.Get("$ref")!.Position);
        }

        var typeNames = GetTypeNames(schema);
        allowsNull = typeNames.Remove("null");
        if (typeNames.Count > 1)
        {
            Report(SchemaDiagnostics.UnsupportedConstruct, schema.Position, $"'type': [{string.Join(", ", typeNames)}] on {owner}.{jsonName}",
                "a property has one JSON type, optionally with \"null\"");
            return TypeSpec.Any;
        }

        var inlineName = owner + Naming.ToPascalCase(jsonName);
        if (schema.Get("enum") is not null)
        {
            ParseEnum(inlineName, schema.Position, schema, path);
            return new TypeSpec(ValueKind.Enum, inlineName);
        }

        var typeName = typeNames.Count == 1 ? typeNames[0] : (schema.Get("properties") is not null ? "object" : null);
        switch (typeName)
        {
            case null:
                return TypeSpec.Any;
            case "string":
                return GetString(schema, "format") switch
                {
                    "date-time" => new TypeSpec(ValueKind.DateTime),
                    "uri" or "uri-reference" or "iri" => new TypeSpec(ValueKind.Uri),
                    "uuid" => new TypeSpec(ValueKind.Uuid),
                    _ => TypeSpec.String,
                };
            case "integer":
                return new TypeSpec(ValueKind.Integer);
            case "number":
                return new TypeSpec(ValueKind.Number);
            case "boolean":
                return new TypeSpec(ValueKind.Boolean);
            case "array":
                var items = schema.Get("items");
                var element = items is null ? TypeSpec.Any : ResolvePropertyType(owner, jsonName + "_item", items, path + ".items", out _);
                return new TypeSpec(ValueKind.Array, Element: element);
            case "object":
                if (schema.Get("properties") is not null)
                {
                    ParseShape(inlineName, schema.Position, schema, path);
                    return new TypeSpec(ValueKind.Shape, inlineName);
                }

                if (schema.Get("additionalProperties") is JsonObjectNode valueSchema)
                {
                    return new TypeSpec(ValueKind.Map, Element: ResolvePropertyType(owner, jsonName + "_value", valueSchema, path + ".additionalProperties", out _));
                }

                return TypeSpec.Any;
            default:
                Report(SchemaDiagnostics.UnsupportedConstruct, schema.Position, $"'type': '{typeName}' on {owner}.{jsonName}",
                    "use string, integer, number, boolean, array or object");
                return TypeSpec.Any;
        }
    }

    private TypeSpec ResolveReference(string reference, TextPosition position)
    {
        if (reference == "#")
        {
            return new TypeSpec(ValueKind.Event, "Event");
        }

        if (reference.StartsWith(DefsPrefix, StringComparison.Ordinal)
            && _definitionKinds.TryGetValue(reference.Substring(DefsPrefix.Length), out var kind))
        {
            var name = Naming.TypeName(reference.Substring(DefsPrefix.Length));
            switch (kind)
            {
                case DefinitionKind.Shape:
                    return new TypeSpec(ValueKind.Shape, name);
                case DefinitionKind.Enum:
                    return new TypeSpec(ValueKind.Enum, name);
                default:
                    Report(SchemaDiagnostics.UnsupportedConstruct, position, $"'$ref': '{reference}'",
                        "a property cannot reference an event definition; reference '#' for any event");
                    return TypeSpec.Any;
            }
        }

        Report(SchemaDiagnostics.UnresolvedReference, position, reference);
        return TypeSpec.Any;
    }

    private void CheckUnsupportedKeywords(string owner, JsonObjectNode node)
    {
        foreach (var keyword in UnsupportedKeywords)
        {
            if (node.Get(keyword) is { } unsupported)
            {
                Report(SchemaDiagnostics.UnsupportedConstruct, unsupported.Position, $"'{keyword}' in {owner}",
                    "describe each shape as a $defs object and each event in the root oneOf");
            }
        }
    }

    private void ClaimTypeName(string name, TextPosition position)
    {
        // Every shape and enum also gets a "<Name>JsonConverter" class, so that suffix belongs to the generator.
        if (_typeNames.ContainsKey(name) || name.EndsWith(Naming.ConverterSuffix, StringComparison.Ordinal))
        {
            Report(SchemaDiagnostics.DuplicateTypeName, position, name);
            return;
        }

        _typeNames[name] = position;
    }

    private List<string> GetTypeNames(JsonObjectNode schema)
    {
        var result = new List<string>();
        switch (schema.Get("type"))
        {
            case null:
                break;
            case JsonScalarNode { Kind: JsonNodeKind.String } single:
                result.Add(single.Text);
                break;
            case JsonArrayNode array:
                foreach (var item in array.Items)
                {
                    if (item is JsonScalarNode { Kind: JsonNodeKind.String } text)
                    {
                        result.Add(text.Text);
                    }
                    else
                    {
                        ReportKind("type[]", "a string", item);
                    }
                }

                break;
            case { } other:
                ReportKind("type", "a string or an array of strings", other);
                break;
        }

        return result;
    }

    private string? GetString(JsonObjectNode node, string key)
    {
        switch (node.Get(key))
        {
            case null:
                return null;
            case JsonScalarNode { Kind: JsonNodeKind.String } text:
                return text.Text;
            case { } other:
                ReportKind(key, "a string", other);
                return null;
        }
    }

    private JsonObjectNode? GetObject(JsonObjectNode node, string key)
    {
        switch (node.Get(key))
        {
            case null:
                return null;
            case JsonObjectNode value:
                return value;
            case { } other:
                ReportKind(key, "an object", other);
                return null;
        }
    }

    private void ReportKind(string keyword, string expected, JsonNode actual) =>
        Report(SchemaDiagnostics.InvalidKeyword, actual.Position, keyword, expected, JsonNode.DescribeKind(actual.Kind));

    private void Report(SchemaDiagnostic diagnostic, TextPosition position, params string[] arguments) =>
        _diagnostics.Add(new DiagnosticInfo(
            diagnostic.Id,
            arguments.ToEquatableArray(),
            new LocationInfo(_input.Path, position.Offset, 1, position.Line, position.Column)));
}
