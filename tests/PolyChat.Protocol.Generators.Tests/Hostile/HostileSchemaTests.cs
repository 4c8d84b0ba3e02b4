using System.Collections.Generic;
using System.Linq;
using CsCheck;
using Microsoft.CodeAnalysis;
using PolyChat.Protocol.Generators.Tests.Infrastructure;
using Xunit;

namespace PolyChat.Protocol.Generators.Tests.Hostile;

/// <summary>
/// Schemas written to probe the edges, compiled as a net10.0 consumer compiles them (the newest language version,
/// every warning wave, warnings as errors). Each named schema has exactly the outcome its corpus row states: it
/// compiles to the stated types, or it is refused with the stated diagnostic at the stated schema line and column.
/// A compiler error inside a *.g.cs file is never an acceptable answer.
/// </summary>
public sealed class HostileSchemaTests
{
    private const string SchemaPath = "/schemas/test.events.schema.json";

    public static TheoryData<string, HostileSchema, HostileOutcome> Corpus() => HostileCorpus.Named();

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Each_hostile_schema_has_the_outcome_its_row_states(string name, HostileSchema schema, HostileOutcome outcome)
    {
        var run = GeneratorHarness.RunAsConsumer(schema.ToJson(), SchemaPath);
        Assert.True(run.CompilationErrors.Count == 0, $"{name}: the generated code does not compile cleanly: {string.Join(" | ", run.CompilationErrors.Take(3))}");
        var reported = run.Diagnostics.Select(Located).ToList();
        string[] expected = outcome.Diagnostic is null ? [] : [outcome.Diagnostic];
        Assert.True(
            reported.SequenceEqual(expected),
            $"{name}: expected {outcome}, the generator reports [{string.Join(", ", reported)}]");
        if (!outcome.Emits)
        {
            Assert.True(run.Sources.Count == 0, $"{name}: refused, yet emitted {string.Join(", ", run.Sources.Keys)}");
            return;
        }

        var space = Assert.Single(run.Output.Assembly.GlobalNamespace.GetNamespaceMembers(), n => n.Name == "Hostile");
        var eventBase = Assert.Single(space.GetTypeMembers("Event"));
        Assert.Single(space.GetTypeMembers("UnknownEvent"));
        var record = Assert.Single(space.GetTypeMembers(outcome.EventType));
        Assert.True(SymbolEqualityComparer.Default.Equals(record.BaseType, eventBase), $"{name}: {outcome.EventType} is not an event");
        var payload = Assert.Single(space.GetTypeMembers("SamplePayload"));
        Assert.True(SymbolEqualityComparer.Default.Equals(((IPropertySymbol)Assert.Single(record.GetMembers("Payload"))).Type, payload), $"{name}: {outcome.EventType}.Payload is not SamplePayload");
        Assert.Equal(
            [outcome.Property, outcome.SecondProperty, "Kind"],
            payload.GetMembers().OfType<IPropertySymbol>()
                .Where(p => !p.IsStatic && !p.IsImplicitlyDeclared && p.Name != "AdditionalProperties")
                .Select(p => p.Name));
        var kind = Assert.Single(space.GetTypeMembers("SamplePayloadKind"));
        Assert.Equal(
            [outcome.Member, outcome.SecondMember],
            kind.GetMembers().OfType<IPropertySymbol>().Where(p => p.IsStatic && SymbolEqualityComparer.Default.Equals(p.Type, kind)).Select(p => p.Name));
    }

    [Fact]
    public void Names_that_the_record_already_has_are_renamed_with_a_Value_suffix()
    {
        var run = GeneratorHarness.RunAsConsumer(new HostileSchema(PropertyName: "to_string", EnumValue: "EQUALS").ToJson());

        var payload = run.Sources["Hostile.SamplePayload.g.cs"];
        Assert.Contains("public required string ToStringValue { get; init; }", payload, System.StringComparison.Ordinal);
        var kind = run.Sources["Hostile.SamplePayloadKind.g.cs"];
        Assert.True(kind.Contains(" EqualsValue { get; }", System.StringComparison.Ordinal), kind);
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void Names_equal_after_PascalCasing_are_numbered_in_schema_order()
    {
        var run = GeneratorHarness.RunAsConsumer(new HostileSchema(PropertyName: "speed_kmh", SecondPropertyName: "speedKmh").ToJson());

        var payload = run.Sources["Hostile.SamplePayload.g.cs"];
        Assert.Contains(" SpeedKmh { get; init; }", payload, System.StringComparison.Ordinal);
        Assert.Contains(" SpeedKmh2 { get; init; }", payload, System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_definition_named_like_a_generated_converter_is_refused_at_its_line()
    {
        var schema = new HostileSchema(EventName: "SamplePayloadJsonConverter");
        var run = GeneratorHarness.RunAsConsumer(schema.ToJson());

        var diagnostic = Assert.Single(run.Diagnostics, d => d.Id == "PCP006");
        var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
        Assert.Contains("SamplePayloadJsonConverter", schema.ToJson().Split('\n')[line], System.StringComparison.Ordinal);
        Assert.Empty(run.CompilationErrors);
    }

    [Theory]
    [InlineData("ToString", "event record")]   // every record has ToString
    [InlineData("Metadata", "event record")]   // every event has Metadata
    [InlineData("IsKnownEvent", "event record")] // its EventType member would be IsKnown
    public void A_definition_named_like_a_member_of_its_own_type_is_refused_at_its_name(string eventName, string kind)
    {
        var schema = new HostileSchema(EventName: eventName);
        var run = GeneratorHarness.RunAsConsumer(schema.ToJson());

        var diagnostic = Assert.Single(run.Diagnostics, d => d.Id == "PCP016");
        Assert.Contains(kind, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        var position = diagnostic.Location.GetLineSpan().StartLinePosition;
        Assert.Equal("\"" + eventName + "\"", schema.ToJson().Split('\n')[position.Line].Trim()[..(eventName.Length + 2)]);
        Assert.Empty(run.CompilationErrors);
    }

    /// <summary>
    /// Random schemas with names drawn from a hostile alphabet (<see cref="HostileCorpus.Random"/>), from a fixed seed
    /// that <see cref="HostileCorpus.SeedVariable"/> overrides; a failure prints the seed that replays it. Their outcome
    /// is not known in advance, so each must compile cleanly, or be refused by PCP diagnostics inside the schema.
    /// </summary>
    [Fact]
    public void Random_schemas_with_hostile_names_compile_or_are_refused() =>
        HostileCorpus.Sample(AssertCompilesOrRefused, iter: 100);

    private static void AssertCompilesOrRefused(HostileSchema schema)
    {
        var json = schema.ToJson();
        var run = GeneratorHarness.RunAsConsumer(json, SchemaPath);

        Assert.DoesNotContain(run.Diagnostics, d => d.Id is "CS8785" or "PCP099");
        var errors = run.CompilationErrors;
        Assert.True(errors.Count == 0, $"the generated code does not compile cleanly: {string.Join(" | ", errors.Take(3))}");
        var lines = json.Split('\n').Length;
        foreach (var diagnostic in run.Diagnostics)
        {
            Assert.StartsWith("PCP", diagnostic.Id, System.StringComparison.Ordinal);
            var span = diagnostic.Location.GetLineSpan();
            Assert.True(span.Path == SchemaPath && span.StartLinePosition.Line < lines, $"{diagnostic} does not point into the schema");
        }

        if (run.Diagnostics.Any(d => d.DefaultSeverity == DiagnosticSeverity.Error))
        {
            Assert.True(run.Sources.Count == 0, $"refused, yet emitted {string.Join(", ", run.Sources.Keys)}");
        }
    }

    /// <summary>A diagnostic as the corpus states it: id, then 1-based line and column in the schema file.</summary>
    private static string Located(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var where = span.Path == SchemaPath ? "" : " in " + span.Path;
        return $"{diagnostic.Id} at {span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1}{where}";
    }
}
