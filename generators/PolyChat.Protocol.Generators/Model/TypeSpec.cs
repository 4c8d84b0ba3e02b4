namespace PolyChat.Protocol.Generators.Model;

/// <summary>The JSON shapes a property can take, each mapped to one C# type.</summary>
internal enum ValueKind
{
    String,
    Integer,
    Number,
    Boolean,
    DateTime,
    Uri,
    Uuid,
    Shape,
    Enum,
    Event,
    Array,
    Map,
    Any,
}

/// <summary>A property's type. <see cref="Name"/> names a shape or enum; <see cref="Element"/> is the item type of arrays and maps.</summary>
internal sealed record TypeSpec(ValueKind Kind, string? Name = null, TypeSpec? Element = null)
{
    public static readonly TypeSpec String = new(ValueKind.String);
    public static readonly TypeSpec Any = new(ValueKind.Any);

    /// <summary>True when the C# type is a value type, so nullability needs <c>Nullable&lt;T&gt;</c>.</summary>
    public bool IsValueType => Kind is ValueKind.Integer or ValueKind.Number or ValueKind.Boolean or ValueKind.DateTime
        or ValueKind.Uuid or ValueKind.Enum or ValueKind.Any;
}
