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
    public static TheoryData<string, HostileSchema> Corpus()
    {
        var data = new TheoryData<string, HostileSchema>();

        // What every record has (compiler-synthesised or object's), and what the generator itself adds.
        string[] memberNames =
        {
            "Equals", "GetHashCode", "ToString", "Clone", "Deconstruct", "EqualityContract", "PrintMembers",
            "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals", "AdditionalProperties", "Payload", "Type",
            "Id", "Sequence", "Timestamp", "Metadata", "IsTransient", "IsKnown", "Value", "SamplePayload", "WireType",
        };
        foreach (var name in memberNames)
        {
            data.Add($"property {name}", new HostileSchema(PropertyName: name));
            data.Add($"property {name} (snake)", new HostileSchema(PropertyName: ToSnake(name)));
            data.Add($"enum value {name}", new HostileSchema(EnumValue: name));
        }

        // Names that collide with each other once PascalCased.
        data.Add("speed_kmh and speedKmh", new HostileSchema(PropertyName: "speed_kmh", SecondPropertyName: "speedKmh"));
        data.Add("speedKmh and SpeedKmh", new HostileSchema(PropertyName: "speedKmh", SecondPropertyName: "SpeedKmh"));
        data.Add("a-b and a_b", new HostileSchema(PropertyName: "a-b", SecondPropertyName: "a_b"));
        data.Add("enum values a-b and a_b", new HostileSchema(EnumValue: "b"));

        // Names that are not identifiers.
        foreach (var name in new[] { "", " ", "1abc", "42", "a b", "a-b", "class", "@x", "_", "__", "é", "a\"b", "x\ny", "<$>", "*/", "\u2028" })
        {
            data.Add($"property '{name}'", new HostileSchema(PropertyName: name));
            data.Add($"enum value '{name}'", new HostileSchema(EnumValue: name));
            data.Add($"wire type '{name}'", new HostileSchema(WireType: name));
        }

        // Event (definition) names: the generator's own types, keywords, BCL names.
        foreach (var name in new[] { "Event", "EventType", "UnknownEvent", "EventJsonConverter", "EventJsonHelpers", "HostileJsonContext",
                                     "SamplePayloadJsonConverter", "Object", "String", "System", "Global", "Sample", "class", "1Event", "Event Name" })
        {
            data.Add($"event {name}", new HostileSchema(EventName: name));
        }

        // Text that reaches string literals and doc comments.
        foreach (var text in new[] { "*/ evil /*", "</summary><b>", "line\nline", "cr\rcr", "quote\"", "back\\slash", "\0nul", "\u0001ctl",
                                     "a & b < c > d", "<![CDATA[x]]>", "--> <!--", "\u2028ls\u2029ps", "\u0085nel", "/// <summary>", "\t" })
        {
            data.Add($"description {Printable(text)}", new HostileSchema(Description: text));
            data.Add($"wire type {Printable(text)}", new HostileSchema(WireType: text));
            data.Add($"enum value {Printable(text)}", new HostileSchema(EnumValue: text));
            data.Add($"property {Printable(text)}", new HostileSchema(PropertyName: text));
        }

        return data;
    }

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

    /// <summary>Random schemas with names drawn from a hostile alphabet: keywords, digits, punctuation, quotes, line breaks.</summary>
    [Fact]
    public void Random_schemas_with_hostile_names_compile_or_are_refused()
    {
        var alphabet = Gen.OneOf(
            Gen.Char["abcxyzABCXYZ0189"],
            Gen.Char["_- .\"\\\n\r\t\0*/<>&@$é\u2028"]);
        var word = Gen.OneOf(
            Gen.String[alphabet, 0, 12],
            Gen.Int[0, 9].Select(i => Keywords[i]));
        var schemas = Gen.Select(word, word, word, word, word, word, (e, w, p, q, v, d) =>
            new HostileSchema(EventName: e.Length == 0 ? "E" : e, WireType: w, PropertyName: p, SecondPropertyName: q, EnumValue: v, Description: d));

        schemas.Sample(schema => AssertCompilesOrRefused("random", schema), iter: 100, threads: 1);
    }

    private static readonly string[] Keywords = { "class", "Equals", "ToString", "Value", "IsKnown", "Payload", "Type", "Event", "Clone", "AdditionalProperties" };

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

    private static string ToSnake(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string Printable(string text) =>
        string.Concat(text.Select(c => c < 0x20 || c is '\u2028' or '\u2029' or '\u0085' ? $"\\u{(int)c:X4}" : c.ToString()));
}
