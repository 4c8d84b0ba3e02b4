using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.CodeAnalysis;
using PolyChat.Cli.Schema;
using PolyChat.Protocol.Generators.Tests.Hostile;
using PolyChat.Protocol.Generators.Tests.Infrastructure;
using Xunit;

namespace PolyChat.Cli.Tests;

/// <summary>
/// schema diff and the source generator read a schema the same way: for every schema the generator's tests use
/// (the snapshot schemas, the hostile corpus, random hostile schemas), the catalogue and schema diff's own rule
/// pairs, the generator is run and its output compiled, and the surface schema diff predicts (event records and
/// payloads, records with their property names, C# types, nullability and required-ness, enums with their members)
/// must be what the compiled symbols have. A schema the generator refuses must be refused with the same ids.
/// </summary>
public sealed class SchemaReaderAgreementTests
{
    private const string SchemaPath = "/schemas/agreement.events.schema.json";

    /// <summary>Fully qualified, with <c>?</c> on nullable reference types: how the generator spells property types.</summary>
    private static readonly SymbolDisplayFormat ClrTypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static TheoryData<string> Schemas()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "GeneratorSchemas"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add("snapshot " + Path.GetFileName(file));
        }

        data.Add("catalogue");
        data.Add("schema diff base");
        foreach (var change in SchemaDiffTests.Rules().Select(row => (string)row[1]).Distinct())
        {
            data.Add("schema diff: " + change);
        }

        foreach (var row in HostileCorpus.Named())
        {
            data.Add("hostile: " + (string)row[0]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Schema_diff_predicts_the_compiled_surface(string name)
    {
        var refused = AssertAgree(name, SchemaText(name));

        // Only the hostile corpus holds schemas the generator refuses; the others must be read, not refused alike.
        Assert.True(!refused || name.StartsWith("hostile: ", StringComparison.Ordinal), $"{name} was refused");
    }

    /// <summary>From the corpus's fixed seed (its variable overrides it; a failure prints the seed that replays it).</summary>
    [Fact]
    public void Schema_diff_predicts_the_compiled_surface_of_random_hostile_schemas() =>
        HostileCorpus.Sample(schema => { _ = AssertAgree("random: " + schema.ToJson(), schema.ToJson()); }, iter: 60);

    /// <summary>Schemas the generator refuses, one or more per kind of error: the same ids, or the reader would judge a file the build never accepts.</summary>
    [Theory]
    [InlineData("{\"oneOf\": [,]}")]
    [InlineData("[1]")]
    [InlineData("{\"x-namespace\": \"T\", \"$defs\": 3}")]
    [InlineData("{\"x-namespace\": \"1Bad\", \"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}], \"$defs\": {\"AEvent\": {\"properties\": {\"type\": {\"const\": \"A\"}}}}}")]
    [InlineData("{\"x-namespace\": \"T\", \"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}], \"$defs\": {\"AEvent\": {\"properties\": {}}}}")]
    [InlineData("{\"x-namespace\": \"T\", \"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}, {\"$ref\": \"#/$defs/BEvent\"}], \"$defs\": {\"AEvent\": {\"properties\": {\"type\": {\"const\": \"X\"}}}, \"BEvent\": {\"properties\": {\"type\": {\"const\": \"X\"}}}}}")]
    [InlineData("{\"x-namespace\": \"T\", \"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}], \"$defs\": {\"AEvent\": {\"properties\": {\"type\": {\"const\": \"A\"}, \"payload\": {\"type\": \"object\", \"properties\": {\"p\": {\"$ref\": \"#/$defs/Missing\"}}}}}}}")]
    [InlineData("{\"x-namespace\": \"T\", \"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}], \"$defs\": {\"AEvent\": {\"properties\": {\"type\": {\"const\": \"A\"}, \"payload\": {\"type\": \"object\", \"properties\": {\"p\": {\"anyOf\": []}}}}}}}")]
    [InlineData("{\"x-namespace\": \"T\", \"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}], \"$defs\": {\"AEvent\": {\"x-transient\": \"yes\", \"properties\": {\"type\": {\"const\": \"A\"}}}}}")]
    [InlineData("{\"x-namespace\": \"T\", \"$defs\": {}}")]
    [InlineData("{\"x-namespace\": \"T\", \"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}], \"$defs\": {\"AEvent\": {\"properties\": {\"type\": {\"const\": \"A\"}}}, \"EventType\": {\"type\": \"object\"}}}")]
    [InlineData("{\"x-namespace\": \"T\", \"oneOf\": [{\"$ref\": \"#/$defs/Metadata\"}], \"$defs\": {\"Metadata\": {\"properties\": {\"type\": {\"const\": \"A\"}}}}}")]
    public void A_schema_the_generator_refuses_is_refused_with_the_same_ids(string schema) => Assert.True(AssertAgree("refused", schema));

    /// <summary>Asserts the two readers agree; true when both refused the schema.</summary>
    private static bool AssertAgree(string name, string schema)
    {
        var options = new TestOptionsProvider(new Dictionary<string, string> { ["build_property.RootNamespace"] = SchemaSurfaceReader.FallbackNamespace });
        var run = GeneratorHarness.Run(schema, SchemaPath, options);
        var generatorIds = run.Diagnostics.Select(d => d.Id).ToList();

        SchemaSurface surface;
        string ns;
        try
        {
            var spec = SchemaSurfaceReader.Parse(schema, SchemaPath, out var warnings);
            Assert.True(generatorIds.SequenceEqual(warnings.Select(w => w.Id)), $"{name}: the generator reports [{string.Join(", ", generatorIds)}], schema diff [{string.Join(", ", warnings.Select(w => w.Id))}]");
            surface = SchemaSurfaceReader.FromSpec(spec);
            ns = spec.Namespace;
        }
        catch (SchemaReadException refused)
        {
            var errorIds = run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id);
            Assert.True(errorIds.SequenceEqual(refused.Diagnostics.Select(d => d.Id)), $"{name}: the generator reports [{string.Join(", ", generatorIds)}], schema diff refused with [{string.Join(", ", refused.Diagnostics.Select(d => d.Id))}]");
            Assert.Empty(run.Sources);
            return true;
        }

        Assert.True(run.CompilationErrors.Count == 0, $"{name}: {string.Join(" | ", run.CompilationErrors.Take(3))}");
        var compiled = Compiled(run.Output, ns);
        var predicted = Predicted(surface);
        Assert.True(predicted.SequenceEqual(compiled), $"{name}:\nschema diff predicts\n{string.Join("\n", predicted)}\nthe compiled output has\n{string.Join("\n", compiled)}");
        return false;
    }

    /// <summary>The surface as schema diff predicts it: one block per type, one line per fact, so a difference reads plainly.</summary>
    private static List<string> Predicted(SchemaSurface surface)
    {
        var blocks = new SortedDictionary<string, IEnumerable<string>>(StringComparer.Ordinal);
        foreach (var e in surface.Events.Values)
        {
            blocks.Add($"event {e.Name}({e.Payload})", []);
        }

        foreach (var shape in surface.Shapes.Values)
        {
            blocks.Add($"record {shape.Name}", shape.Properties.Select(p => $"  {p.ClrName}: {p.ClrType}{(p.IsRequired ? " required" : "")}"));
        }

        foreach (var enumeration in surface.Enums.Values)
        {
            blocks.Add($"enum {enumeration.Name}", enumeration.Values.Select(v => $"  {v.ClrName}"));
        }

        return Flatten(blocks);
    }

    /// <summary>The same facts read from the compiled generator output (the source assembly only, never a reference).</summary>
    private static List<string> Compiled(Compilation compilation, string ns)
    {
        var space = ns.Split('.').Aggregate(compilation.Assembly.GlobalNamespace, (current, part) => current.GetNamespaceMembers().Single(n => n.Name == part));
        var eventBase = space.GetTypeMembers("Event").Single();
        var blocks = new SortedDictionary<string, IEnumerable<string>>(StringComparer.Ordinal);
        foreach (var type in space.GetTypeMembers())
        {
            if (SymbolEqualityComparer.Default.Equals(type.BaseType, eventBase))
            {
                if (type.Name != "UnknownEvent")
                {
                    var payload = (IPropertySymbol)type.GetMembers("Payload").Single();
                    blocks.Add($"event {type.Name}({payload.Type.Name})", []);
                }
            }
            else if (type.IsRecord && type.Name != "Event")
            {
                // Declared public instance properties in declaration order: the schema's; the bag of unknown ones is every record's.
                blocks.Add($"record {type.Name}", type.GetMembers().OfType<IPropertySymbol>()
                    .Where(p => p.DeclaredAccessibility == Accessibility.Public && !p.IsStatic && !p.IsImplicitlyDeclared && p.Name != "AdditionalProperties")
                    .Select(p => $"  {p.Name}: {p.Type.ToDisplayString(ClrTypeFormat)}{(p.IsRequired ? " required" : "")}")
                    .ToList());
            }
            else if (type.TypeKind == TypeKind.Struct && type.Name != "EventType")
            {
                // An open enum's known values are static properties of its own type.
                blocks.Add($"enum {type.Name}", type.GetMembers().OfType<IPropertySymbol>()
                    .Where(p => p.IsStatic && SymbolEqualityComparer.Default.Equals(p.Type, type))
                    .Select(p => $"  {p.Name}")
                    .ToList());
            }
        }

        return Flatten(blocks);
    }

    private static List<string> Flatten(SortedDictionary<string, IEnumerable<string>> blocks) =>
        blocks.SelectMany(block => block.Value.Prepend(block.Key)).ToList();

    private static string SchemaText(string name)
    {
        if (name.StartsWith("snapshot ", StringComparison.Ordinal))
        {
            return File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "GeneratorSchemas", name["snapshot ".Length..]));
        }

        if (name == "catalogue")
        {
            return File.ReadAllText(Path.Combine(CliResult.Repository, "schema", "polychat.events.schema.json"));
        }

        if (name == "schema diff base")
        {
            return SchemaDiffTests.Base;
        }

        if (name.StartsWith("schema diff: ", StringComparison.Ordinal))
        {
            var schema = JsonNode.Parse(SchemaDiffTests.Base)!.AsObject();
            SchemaDiffTests.Apply(name["schema diff: ".Length..], schema);
            return schema.ToJsonString();
        }

        var label = name["hostile: ".Length..];
        return HostileCorpus.Named().Select(row => ((string)row[0], (HostileSchema)row[1])).First(row => row.Item1 == label).Item2.ToJson();
    }
}
