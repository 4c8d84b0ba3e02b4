using System;
using System.Collections.Generic;

namespace PolyChat.Protocol.Generators.Diagnostics;

/// <summary>Every diagnostic the schema reader reports. Ids are stable: see AnalyzerReleases.Shipped.md.</summary>
internal static class SchemaDiagnostics
{
    public static readonly SchemaDiagnostic InvalidJson = Error(
        "PCP001", "Schema is not valid JSON", "The event schema is not valid JSON: {0}");

    public static readonly SchemaDiagnostic InvalidKeyword = Error(
        "PCP002", "Schema keyword has the wrong JSON type", "'{0}' must be {1}, but it is {2}");

    public static readonly SchemaDiagnostic UnsupportedDialect = Warning(
        "PCP003", "Unsupported JSON Schema dialect", "The schema declares '$schema': '{0}'; only draft 2020-12 is supported and the file is read as such");

    public static readonly SchemaDiagnostic MissingNamespace = Error(
        "PCP004", "No namespace for generated code", "Set 'x-namespace' in the schema or the 'Namespace' metadata on the AdditionalFiles item");

    public static readonly SchemaDiagnostic InvalidIdentifier = Error(
        "PCP005", "Not a valid C# identifier", "'{0}' cannot be used as a C# {1} name");

    public static readonly SchemaDiagnostic DuplicateTypeName = Error(
        "PCP006", "Duplicate generated type name", "The type name '{0}' is generated twice or is reserved; rename one definition");

    public static readonly SchemaDiagnostic InvalidEvent = Error(
        "PCP007", "Invalid event definition", "Event '{0}' is invalid: {1}");

    public static readonly SchemaDiagnostic DuplicateWireType = Error(
        "PCP008", "Duplicate event type string", "The wire type '{0}' is used by more than one event");

    public static readonly SchemaDiagnostic UnresolvedReference = Error(
        "PCP009", "Unresolved $ref", "'$ref': '{0}' does not resolve; use '#' or '#/$defs/<Name>'");

    public static readonly SchemaDiagnostic UnsupportedConstruct = Error(
        "PCP010", "Unsupported schema construct", "{0} is not supported by the PolyChat event schema dialect: {1}");

    public static readonly SchemaDiagnostic DuplicateKey = Warning(
        "PCP011", "Duplicate key in schema object", "The key '{0}' appears more than once in the same object; the last one is used");

    public static readonly SchemaDiagnostic UnknownRequiredProperty = Warning(
        "PCP012", "Required property is not declared", "'required' names '{0}', which is not a property of '{1}'");

    public static readonly SchemaDiagnostic InvalidExtension = Error(
        "PCP013", "Invalid x- extension value", "'{0}' must be {1}");

    public static readonly SchemaDiagnostic NoEvents = Error(
        "PCP014", "Schema declares no events", "The schema has no events: list them in the root 'oneOf' as {{ \"$ref\": \"#/$defs/<Name>\" }}");

    public static readonly SchemaDiagnostic EnumMemberNameClash = Warning(
        "PCP015", "Enum values map to the same member name", "The values of enum '{0}' give the member name '{1}' twice; '{2}' is used for the second");

    public static readonly SchemaDiagnostic TypeNameIsOwnMember = Error(
        "PCP016", "Definition name is a member of the generated type", "'{0}' cannot name a definition: the generated {1} has a member of that name; rename the definition");

    public static readonly SchemaDiagnostic InternalError = Error(
        "PCP099", "The event generator failed", "The event generator failed on this schema and produced no code: {0}");

    /// <summary>All of them, in id order.</summary>
    public static readonly IReadOnlyList<SchemaDiagnostic> All = new[]
    {
        InvalidJson, InvalidKeyword, UnsupportedDialect, MissingNamespace, InvalidIdentifier, DuplicateTypeName,
        InvalidEvent, DuplicateWireType, UnresolvedReference, UnsupportedConstruct, DuplicateKey,
        UnknownRequiredProperty, InvalidExtension, NoEvents, EnumMemberNameClash, TypeNameIsOwnMember, InternalError,
    };

    private static readonly Dictionary<string, SchemaDiagnostic> ById = Index(All);

    public static SchemaDiagnostic Find(string id) =>
        ById.TryGetValue(id, out var diagnostic) ? diagnostic : throw new ArgumentException($"Unknown diagnostic id {id}.", nameof(id));

    private static SchemaDiagnostic Error(string id, string title, string message) => new(id, title, message, IsError: true);

    private static SchemaDiagnostic Warning(string id, string title, string message) => new(id, title, message, IsError: false);

    private static Dictionary<string, SchemaDiagnostic> Index(IReadOnlyList<SchemaDiagnostic> diagnostics)
    {
        var map = new Dictionary<string, SchemaDiagnostic>(StringComparer.Ordinal);
        foreach (var diagnostic in diagnostics)
        {
            map.Add(diagnostic.Id, diagnostic);
        }

        return map;
    }
}
