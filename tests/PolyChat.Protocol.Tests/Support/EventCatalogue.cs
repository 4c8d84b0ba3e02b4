using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Tests.Support;

/// <summary>One event of the schema's root <c>oneOf</c>, as the schema (not the generated code) describes it.</summary>
internal sealed record SchemaEvent(
    string DefinitionName,
    string WireType,
    string Direction,
    bool IsTransient,
    string PayloadDefinition,
    IReadOnlyList<string> RequiredPayloadProperties)
{
    /// <summary>The record the schema's <c>x-namespace</c> and definition name promise for this event.</summary>
    public Type ClrType =>
        typeof(Event).Assembly.GetType($"{EventCatalogue.Namespace}.{DefinitionName}")
        ?? throw new InvalidOperationException($"No generated type {EventCatalogue.Namespace}.{DefinitionName}.");

    public bool IsClientSendable => Direction is "client" or "both";

    public override string ToString() => WireType;
}

/// <summary>The event catalogue read from schema/polychat.events.schema.json, the oracle for coverage checks.</summary>
internal static class EventCatalogue
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "schema", "polychat.events.schema.json"))));

    private static readonly Lazy<IReadOnlyList<SchemaEvent>> LazyEvents = new(Load);

    public static JsonElement Root => Document.Value.RootElement;

    public static string Namespace => Root.GetProperty("x-namespace").GetString()!;

    public static IReadOnlyList<SchemaEvent> Events => LazyEvents.Value;

    public static SchemaEvent ByWireType(string wireType) =>
        Events.SingleOrDefault(e => e.WireType == wireType)
        ?? throw new InvalidOperationException($"The schema lists no event {wireType}.");

    public static JsonElement Definition(string name) => Root.GetProperty("$defs").GetProperty(name);

    /// <summary>The definition name a local <c>$ref</c> points to, or null for a reference to the root (<c>#</c>).</summary>
    public static string? RefName(JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference) && reference.GetString() is { } text && text.StartsWith("#/$defs/", StringComparison.Ordinal)
            ? text["#/$defs/".Length..]
            : null;

    private static IReadOnlyList<SchemaEvent> Load()
    {
        var events = new List<SchemaEvent>();
        foreach (var option in Root.GetProperty("oneOf").EnumerateArray())
        {
            var name = RefName(option) ?? throw new InvalidOperationException("Root oneOf entries must be $defs references.");
            var definition = Definition(name);
            var properties = definition.GetProperty("properties");
            var payloadName = RefName(properties.GetProperty("payload"))!;
            var payload = Definition(payloadName);
            var required = payload.TryGetProperty("required", out var list)
                ? list.EnumerateArray().Select(r => r.GetString()!).ToArray()
                : Array.Empty<string>();
            events.Add(new SchemaEvent(
                name,
                properties.GetProperty("type").GetProperty("const").GetString()!,
                definition.GetProperty("x-direction").GetString()!,
                definition.TryGetProperty("x-transient", out var transient) && transient.GetBoolean(),
                payloadName,
                required));
        }

        return events;
    }
}
