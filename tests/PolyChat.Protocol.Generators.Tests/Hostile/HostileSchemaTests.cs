using System.Collections.Generic;
using System.Linq;
using CsCheck;
using Microsoft.CodeAnalysis;
using PolyChat.Protocol.Generators.Tests.Infrastructure;
using Xunit;

namespace PolyChat.Protocol.Generators.Tests.Hostile;

/// <summary>
/// Schemas written to probe the edges: every one must give generated code that compiles without an error or
/// a warning (users build with warnings as errors), or be refused with a PCP diagnostic that points at a line
/// of the schema. A compiler error inside a *.g.cs file is never an acceptable answer.
/// </summary>
public sealed class HostileSchemaTests
{
    public static TheoryData<string, HostileSchema> Corpus() => HostileCorpus.Named();

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Each_hostile_schema_compiles_or_gets_a_located_diagnostic(string name, HostileSchema schema) =>
        AssertCompilesOrRefused(name, schema);

    [Fact]
    public void Names_that_the_record_already_has_are_renamed_with_a_Value_suffix()
    {
        var run = GeneratorHarness.Run(new HostileSchema(PropertyName: "to_string", EnumValue: "EQUALS").ToJson());

        var payload = run.Sources["Hostile.SamplePayload.g.cs"];
        Assert.Contains("public required string ToStringValue { get; init; }", payload, System.StringComparison.Ordinal);
        var kind = run.Sources["Hostile.SamplePayloadKind.g.cs"];
        Assert.True(kind.Contains(" EqualsValue { get; }", System.StringComparison.Ordinal), kind);
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void Names_equal_after_PascalCasing_are_numbered_in_schema_order()
    {
        var run = GeneratorHarness.Run(new HostileSchema(PropertyName: "speed_kmh", SecondPropertyName: "speedKmh").ToJson());

        var payload = run.Sources["Hostile.SamplePayload.g.cs"];
        Assert.Contains(" SpeedKmh { get; init; }", payload, System.StringComparison.Ordinal);
        Assert.Contains(" SpeedKmh2 { get; init; }", payload, System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_definition_named_like_a_generated_converter_is_refused_at_its_line()
    {
        var schema = new HostileSchema(EventName: "SamplePayloadJsonConverter");
        var run = GeneratorHarness.Run(schema.ToJson());

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
        var run = GeneratorHarness.Run(schema.ToJson());

        var diagnostic = Assert.Single(run.Diagnostics, d => d.Id == "PCP016");
        Assert.Contains(kind, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        var position = diagnostic.Location.GetLineSpan().StartLinePosition;
        Assert.Equal("\"" + eventName + "\"", schema.ToJson().Split('\n')[position.Line].Trim()[..(eventName.Length + 2)]);
        Assert.Empty(run.CompilationErrors);
    }

    /// <summary>Random schemas with names drawn from a hostile alphabet (<see cref="HostileCorpus.Random"/>).</summary>
    [Fact]
    public void Random_schemas_with_hostile_names_compile_or_are_refused() =>
        HostileCorpus.Random.Sample(schema => AssertCompilesOrRefused("random", schema), iter: 100, threads: 1);

    private static void AssertCompilesOrRefused(string name, HostileSchema schema)
    {
        var run = GeneratorHarness.Run(schema.ToJson());

        Assert.DoesNotContain(run.Diagnostics, d => d.Id is "CS8785" or "PCP099");
        Assert.True(run.CompilationErrors.Count == 0, $"{name}: the generated code does not compile: {string.Join(" | ", run.CompilationErrors.Take(3))}");
        Assert.True(run.CompilationWarnings.Count == 0, $"{name}: the generated code has warnings: {string.Join(" | ", run.CompilationWarnings.Take(3))}");
        foreach (var diagnostic in run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            Assert.StartsWith("PCP", diagnostic.Id, System.StringComparison.Ordinal);
            Assert.True(diagnostic.Location.GetLineSpan().StartLinePosition.Line >= 0 && diagnostic.Location != Location.None, $"{name}: {diagnostic} has no location");
        }
    }
}
