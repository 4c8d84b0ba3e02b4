using PolyChat.Protocol.Generators.Helpers;
using PolyChat.Protocol.Generators.Model;

namespace PolyChat.Protocol.Generators.Emit;

/// <summary>Input of one shape file: editing another shape leaves this one cached.</summary>
internal sealed record ShapeEmitModel(string Namespace, ShapeSpec Shape);

/// <summary>Input of one enum file.</summary>
internal sealed record EnumEmitModel(string Namespace, EnumSpec Enum);

/// <summary>Input of one event file.</summary>
internal sealed record EventEmitModel(string Namespace, EventSpec Event);

/// <summary>
/// Input of the union, its converter and the context. It holds what they need of each event (name,
/// wire type, payload) but no descriptions, so editing an event's docs re-emits only that event's file.
/// </summary>
internal sealed record UnionEmitModel(
    string Namespace,
    string ContextName,
    TypeSpec MetadataType,
    EquatableArray<EventCase> Events,
    EquatableArray<string> ShapeNames,
    EquatableArray<string> EnumNames);

/// <summary>What the union needs to know of one event.</summary>
internal sealed record EventCase(
    string Name,
    string WireType,
    EventDirection Direction,
    bool IsTransient,
    string PayloadType,
    bool PayloadHasRequiredProperties)
{
    public string CaseName => EventEmitter.CaseName(Name);
}
