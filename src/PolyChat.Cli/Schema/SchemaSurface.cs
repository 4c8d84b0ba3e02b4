using System.Collections.Generic;

namespace PolyChat.Cli.Schema;

/// <summary>
/// What an event schema exposes, reduced to what compatibility depends on: the wire (event types, JSON names,
/// JSON types, required, null, transient, direction) and the C# the generator makes of it (type and member names).
/// </summary>
internal sealed record SchemaSurface(
    IReadOnlyDictionary<string, EventSurface> Events,
    IReadOnlyDictionary<string, ShapeSurface> Shapes,
    IReadOnlyDictionary<string, EnumSurface> Enums);

/// <summary>An event, keyed by its definition name (its C# record's name).</summary>
internal sealed record EventSurface(string Name, string WireType, string Payload, bool IsTransient, string Direction, string Path);

/// <summary>A record: a payload or shared shape, or an inline object named after its owner and property.</summary>
internal sealed record ShapeSurface(string Name, IReadOnlyList<PropertySurface> Properties, string Path);

/// <summary>
/// One property, as the generator emits it. <see cref="Type"/> is a canonical spelling of its JSON type (<c>string</c>,
/// <c>integer</c>, <c>array&lt;shape:Attachment&gt;</c>, <c>string:date-time</c>…), equal for equal wire types;
/// <see cref="ClrType"/> is the C# type of the generated property, <c>?</c> included (<see cref="IsNullable"/>: not
/// required, or allows null).
/// </summary>
internal sealed record PropertySurface(string JsonName, string ClrName, string Type, bool IsRequired, bool IsNullable, string Path, string ClrType);

/// <summary>An open enum: its wire values and the C# member each gets.</summary>
internal sealed record EnumSurface(string Name, IReadOnlyList<EnumValueSurface> Values, string Path);

/// <summary>One enum value and its C# member name.</summary>
internal sealed record EnumValueSurface(string WireValue, string ClrName);
