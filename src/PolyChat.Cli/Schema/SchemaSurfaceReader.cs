using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using PolyChat.Protocol.Generators.Diagnostics;
using PolyChat.Protocol.Generators.Emit;
using PolyChat.Protocol.Generators.Model;
using PolyChat.Protocol.Generators.Parsing;

namespace PolyChat.Cli.Schema;

/// <summary>
/// Reads an event schema into a <see cref="SchemaSurface"/> with the source generator's own reader (its parser,
/// model, naming rules and diagnostics, compiled here from the generator's source): the surface is what the
/// generator emits for the file, and a schema the generator refuses is refused here with the same diagnostics.
/// </summary>
internal static class SchemaSurfaceReader
{
    /// <summary>
    /// Stands in for the consuming project's <c>RootNamespace</c>, the generator's last resort for a namespace: a
    /// schema without <c>x-namespace</c> compiles in any project, and the namespace is not part of the surface.
    /// </summary>
    public const string FallbackNamespace = "PolyChat.SchemaDiff";

    /// <summary>Reads the schema text; <paramref name="path"/> names the file in diagnostics and, as for the generator, gives the default context name.</summary>
    /// <exception cref="SchemaReadException">The generator would refuse the schema; the message lists its errors.</exception>
    public static SchemaSurface Read(string json, string path = "schema.events.schema.json") =>
        FromSpec(Parse(json, path, out _));

    /// <summary>Parses as the generator does and returns the spec, or throws with the errors that stop generation.</summary>
    /// <param name="json">The schema text.</param>
    /// <param name="path">The file, as diagnostics name it; its name gives the default context name, as for the generator.</param>
    /// <param name="warnings">The diagnostics that do not stop generation.</param>
    public static SchemaSpec Parse(string json, string path, out IReadOnlyList<DiagnosticInfo> warnings)
    {
        var result = SchemaParser.Parse(new SchemaInput(path, json, null, null, FallbackNamespace), CancellationToken.None);
        warnings = result.Diagnostics.Where(d => !d.IsError).ToList();
        var errors = result.Diagnostics.Where(d => d.IsError).ToList();
        if (result.Spec is null || errors.Count > 0)
        {
            throw new SchemaReadException(errors, path);
        }

        return result.Spec;
    }

    /// <summary>The surface of a spec: its events, records and enums, with names and types as emitted.</summary>
    public static SchemaSurface FromSpec(SchemaSpec spec)
    {
        var events = spec.Events.ToDictionary(
            e => e.Name,
            e => new EventSurface(e.Name, e.WireType, e.PayloadType, e.IsTransient, DirectionName(e.Direction), e.SchemaPath),
            StringComparer.Ordinal);
        var shapes = spec.Shapes.ToDictionary(
            s => s.Name,
            s => new ShapeSurface(s.Name, s.Properties.Select(p => Property(p, spec.Namespace)).ToList(), s.SchemaPath),
            StringComparer.Ordinal);
        var enums = spec.Enums.ToDictionary(
            e => e.Name,
            e => new EnumSurface(e.Name, e.Members.Select(m => new EnumValueSurface(m.WireValue, m.Name)).ToList(), e.SchemaPath),
            StringComparer.Ordinal);
        return new SchemaSurface(events, shapes, enums);
    }

    private static PropertySurface Property(PropertySpec property, string ns) => new(
        property.JsonName,
        property.ClrName,
        WireType(property.Type),
        property.IsRequired,
        property.IsNullable,
        property.SchemaPath,
        TypeSyntax.NullableName(property.Type, ns, property.IsNullable));

    /// <summary>The canonical spelling of a JSON type that schema diff compares and prints (<c>array&lt;shape:Attachment&gt;</c>).</summary>
    private static string WireType(TypeSpec type) => type.Kind switch
    {
        ValueKind.String => "string",
        ValueKind.DateTime => "string:date-time",
        ValueKind.Uri => "string:uri",
        ValueKind.Uuid => "string:uuid",
        ValueKind.Integer => "integer",
        ValueKind.Number => "number",
        ValueKind.Boolean => "boolean",
        ValueKind.Shape => "shape:" + type.Name,
        ValueKind.Enum => "enum:" + type.Name,
        ValueKind.Event => "event",
        ValueKind.Array => $"array<{WireType(type.Element!)}>",
        ValueKind.Map => $"map<{WireType(type.Element!)}>",
        _ => "json",
    };

    private static string DirectionName(EventDirection direction) => direction switch
    {
        EventDirection.Client => "client",
        EventDirection.Both => "both",
        _ => "server",
    };
}
