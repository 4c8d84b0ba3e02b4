using System.Collections.Generic;

namespace PolyChat.Cli.Schema;

/// <summary>One kind of schema change, with a stable id (schema/README.md lists them with an example each).</summary>
internal sealed record SchemaRule(string Id, string Name, string Why)
{
    public static readonly SchemaRule EventAdded = new("PCS001", "event-added", "old readers keep it as UnknownEvent; Match/Switch callers get a new case to handle");
    public static readonly SchemaRule EventRemoved = new("PCS002", "event-removed", "its C# record is gone; new readers keep it as UnknownEvent");
    public static readonly SchemaRule EventRenamed = new("PCS003", "event-renamed", "same wire type, new C# record name");
    public static readonly SchemaRule EventTypeChanged = new("PCS004", "event-wire-type-changed", "readers on either side see an unknown type");
    public static readonly SchemaRule EventTransientChanged = new("PCS005", "event-transient-changed", "the sequence (ordering, replay) changes meaning");
    public static readonly SchemaRule EventDirectionChanged = new("PCS006", "event-direction-changed", "the other side now sends it");
    public static readonly SchemaRule EventPayloadChanged = new("PCS007", "event-payload-type-changed", "the C# type of Payload changes");
    public static readonly SchemaRule ShapeAdded = new("PCS010", "shape-added", "a new record");
    public static readonly SchemaRule ShapeRemoved = new("PCS011", "shape-removed", "its C# record is gone");
    public static readonly SchemaRule PropertyAddedOptional = new("PCS012", "property-added-optional", "old readers keep it in AdditionalProperties; new readers read null when it is absent");
    public static readonly SchemaRule PropertyAddedRequired = new("PCS013", "property-added-required", "old writers do not send it; object initializers must set it");
    public static readonly SchemaRule PropertyRemoved = new("PCS014", "property-removed", "its C# property is gone");
    public static readonly SchemaRule PropertyTypeChanged = new("PCS015", "property-type-changed", "its C# type changes; a reader whose type does not read every value of the other side's fails on it or changes it");
    public static readonly SchemaRule PropertyBecameRequired = new("PCS016", "property-became-required", "old writers may omit it; its C# type loses '?'");
    public static readonly SchemaRule PropertyBecameOptional = new("PCS017", "property-became-optional", "old readers require it; its C# type gains '?'");
    public static readonly SchemaRule PropertyBecameNullable = new("PCS018", "property-became-nullable", "old readers reject null; its C# type gains '?'");
    public static readonly SchemaRule PropertyBecameNonNullable = new("PCS019", "property-became-non-nullable", "old writers may send null; its C# type loses '?'");
    public static readonly SchemaRule PropertyClrNameChanged = new("PCS020", "property-csharp-name-changed", "same JSON name, new C# name");
    public static readonly SchemaRule PropertyWireNameChanged = new("PCS021", "property-wire-name-changed", "same C# name, new JSON name: each side drops the other's value");
    public static readonly SchemaRule EnumAdded = new("PCS030", "enum-added", "a new enum");
    public static readonly SchemaRule EnumRemoved = new("PCS031", "enum-removed", "its C# type is gone");
    public static readonly SchemaRule EnumValueAdded = new("PCS032", "enum-value-added", "open enums keep unknown values on old readers");
    public static readonly SchemaRule EnumValueRemoved = new("PCS033", "enum-value-removed", "its C# member is gone; new readers keep the value as unknown");
    public static readonly SchemaRule EnumMemberRenamed = new("PCS034", "enum-member-renamed", "same wire value, new C# member name");

    public static IReadOnlyList<SchemaRule> All { get; } = new[]
    {
        EventAdded, EventRemoved, EventRenamed, EventTypeChanged, EventTransientChanged, EventDirectionChanged, EventPayloadChanged,
        ShapeAdded, ShapeRemoved, PropertyAddedOptional, PropertyAddedRequired, PropertyRemoved, PropertyTypeChanged,
        PropertyBecameRequired, PropertyBecameOptional, PropertyBecameNullable, PropertyBecameNonNullable, PropertyClrNameChanged,
        PropertyWireNameChanged, EnumAdded, EnumRemoved, EnumValueAdded, EnumValueRemoved, EnumMemberRenamed,
    };
}
