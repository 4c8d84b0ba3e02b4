using PolyChat.Protocol.Generators.Helpers;

namespace PolyChat.Protocol.Generators.Model;

/// <summary>
/// Everything emitted for one schema file. Value-equatable: no compiler objects, no JSON nodes. Free of Roslyn types, so
/// <c>polychat schema diff</c> compiles the same model and compares what the generator emits. Each spec's
/// <c>SchemaPath</c> (<c>$.$defs.Order.properties.total</c>) is where schema diff says a change is; the emitters ignore it.
/// </summary>
internal sealed record SchemaSpec(
    string Namespace,
    string ContextName,
    string SchemaFileName,
    TypeSpec MetadataType,
    EquatableArray<EventSpec> Events,
    EquatableArray<ShapeSpec> Shapes,
    EquatableArray<EnumSpec> Enums);

/// <summary>Which side of the connection sends an event.</summary>
internal enum EventDirection
{
    Client,
    Server,
    Both,
}

/// <summary>One event type of the closed union: its C# name, wire discriminator and payload shape.</summary>
internal sealed record EventSpec(
    string Name,
    string WireType,
    EventDirection Direction,
    bool IsTransient,
    string PayloadType,
    bool PayloadHasRequiredProperties,
    string? Description,
    string SchemaPath);

/// <summary>An object shape: emitted as a sealed record with its converter.</summary>
internal sealed record ShapeSpec(string Name, string? Description, EquatableArray<PropertySpec> Properties, string SchemaPath);

/// <summary>One property of a shape.</summary>
internal sealed record PropertySpec(
    string JsonName,
    string ClrName,
    TypeSpec Type,
    bool IsRequired,
    bool IsNullable,
    bool IsDeprecated,
    string? Description,
    string SchemaPath);

/// <summary>An open string enum: known members plus any value seen on the wire.</summary>
internal sealed record EnumSpec(string Name, string? Description, EquatableArray<EnumMemberSpec> Members, string SchemaPath);

/// <summary>One known value of an open enum.</summary>
internal sealed record EnumMemberSpec(string Name, string WireValue);
