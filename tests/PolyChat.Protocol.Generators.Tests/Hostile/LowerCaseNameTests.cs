using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Serialization;
using PolyChat.Protocol.Generators.Tests.Infrastructure;
using Xunit;

namespace PolyChat.Protocol.Generators.Tests.Hostile;

/// <summary>
/// A definition named in lower-case ASCII letters only (<c>sample</c>) gives the type <c>Sample</c>: C# keeps such
/// names for keywords (CS8981). Only the C# name changes; what is on the wire is the schema's, byte for byte.
/// </summary>
public sealed class LowerCaseNameTests
{
    [Fact]
    public void A_lower_case_event_name_round_trips_under_its_own_wire_type()
    {
        var run = GeneratorHarness.RunAsConsumer(new HostileSchema(EventName: "sample", WireType: "sample").ToJson());
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Contains("Hostile.Sample.g.cs", run.Sources.Keys);

        var context = new AssemblyLoadContext(nameof(LowerCaseNameTests), isCollectible: true);
        try
        {
            using var image = new MemoryStream();
            var emitted = run.Output.Emit(image);
            Assert.True(emitted.Success, string.Join(" | ", emitted.Diagnostics));
            image.Position = 0;
            var assembly = context.LoadFromStream(image);
            var eventBase = assembly.GetType("Hostile.Event", throwOnError: true)!;
            var sample = assembly.GetType("Hostile.Sample", throwOnError: true)!;
            Assert.Equal("sample", sample.GetField("WireType", BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue());
            var serializer = (JsonSerializerContext)assembly.GetType("Hostile.TestEventsJsonContext", throwOnError: true)!
                .GetProperty("Default", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

            const string Frame = """{"type":"sample","id":"e1","payload":{"x":"hi","y":1,"kind":"A"}}""";
            var read = JsonSerializer.Deserialize(Frame, eventBase, serializer);

            Assert.IsType(sample, read);
            var written = JsonSerializer.Serialize(read, eventBase, serializer);
            using var document = JsonDocument.Parse(written);
            Assert.Equal("sample", document.RootElement.GetProperty("type").GetString());
            Assert.Equal("e1", document.RootElement.GetProperty("id").GetString());
            Assert.Equal("hi", document.RootElement.GetProperty("payload").GetProperty("x").GetString());
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void A_lower_case_shape_or_enum_name_is_upper_cased_where_it_is_declared_and_where_it_is_referenced()
    {
        const string Schema = """
            {
              "x-namespace": "Hostile",
              "oneOf": [ { "$ref": "#/$defs/ping" } ],
              "$defs": {
                "ping": { "properties": { "type": { "const": "ping" }, "payload": { "$ref": "#/$defs/body" } } },
                "body": { "type": "object", "properties": { "level": { "$ref": "#/$defs/level" } } },
                "level": { "enum": [ "low", "high" ] }
              }
            }
            """;

        var run = GeneratorHarness.RunAsConsumer(Schema);

        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Equal(
            ["Hostile.Body.g.cs", "Hostile.Level.g.cs", "Hostile.Ping.g.cs"],
            run.Sources.Keys.Where(k => k is "Hostile.Body.g.cs" or "Hostile.Level.g.cs" or "Hostile.Ping.g.cs").Order(StringComparer.Ordinal));
        Assert.Contains("record Ping(global::Hostile.Body Payload)", run.Sources["Hostile.Ping.g.cs"], StringComparison.Ordinal);
        Assert.Contains("global::Hostile.Level? Level", run.Sources["Hostile.Body.g.cs"], StringComparison.Ordinal);
        Assert.Contains("public const string WireType = \"ping\";", run.Sources["Hostile.Ping.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Two_definitions_that_give_the_same_type_name_are_refused_as_a_duplicate()
    {
        const string Schema = """
            {
              "x-namespace": "Hostile",
              "oneOf": [ { "$ref": "#/$defs/Ping" } ],
              "$defs": {
                "Ping": { "properties": { "type": { "const": "ping" }, "payload": { "$ref": "#/$defs/Body" } } },
                "Body": { "type": "object", "properties": { "a": { "type": "string" } } },
                "body": { "type": "object", "properties": { "b": { "type": "string" } } }
              }
            }
            """;

        var run = GeneratorHarness.RunAsConsumer(Schema);

        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("PCP006", diagnostic.Id);
        Assert.Contains("'Body'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.StartsWith("\"body\"", Schema.Split('\n')[diagnostic.Location.GetLineSpan().StartLinePosition.Line].Trim(), StringComparison.Ordinal);
        Assert.Empty(run.Sources);
    }
}
