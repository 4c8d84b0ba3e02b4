using System.Collections.Generic;
using System.Linq;
using PolyChat.Protocol.Generators.Tests.Infrastructure;
using Xunit;

namespace PolyChat.Protocol.Generators.Tests;

/// <summary>Golden files of the generated code: the PolyAI catalogue and one small schema per feature.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void PolyAiSchema() => VerifySchema("polychat.events.schema.json");

    [Fact]
    public void Enums() => VerifySchema("enums.events.schema.json", includeUnion: false);

    [Fact]
    public void NestedReferences() => VerifySchema("nested.events.schema.json");

    [Fact]
    public void ArraysAndMaps() => VerifySchema("arrays.events.schema.json", includeUnion: false);

    [Fact]
    public void Formats() => VerifySchema("formats.events.schema.json", includeUnion: false);

    [Fact]
    public void UnknownHandling() => VerifySchema("unknown.events.schema.json");

    [Fact]
    public void NamespaceFromItemMetadata()
    {
        var path = "/schemas/options.events.schema.json";
        var options = new TestOptionsProvider().WithFile(path, new Dictionary<string, string>
        {
            ["build_metadata.AdditionalFiles.PolyChatNamespace"] = "Focus.FromMetadata",
            ["build_metadata.AdditionalFiles.PolyChatContextName"] = "GreetingJsonContext",
        });
        var run = GeneratorHarness.Run(GeneratorHarness.ReadSchema("options.events.schema.json"), path, options);

        AssertClean(run);
        Assert.Contains("Focus.FromMetadata.GreetingJsonContext.g.cs", run.Sources.Keys);
        Snapshot.Verify(Filter(run, "GreetingJsonContext", "HelloEvent"), nameof(SnapshotTests));
    }

    [Fact]
    public void NamespaceFromRootNamespaceAndContextFromFileName()
    {
        var options = new TestOptionsProvider(new Dictionary<string, string> { ["build_property.RootNamespace"] = "My.App" });
        var run = GeneratorHarness.Run(GeneratorHarness.ReadSchema("options.events.schema.json"), "/schemas/options.events.schema.json", options);

        AssertClean(run);
        Assert.Contains("My.App.OptionsEventsJsonContext.g.cs", run.Sources.Keys);
        Assert.Contains("My.App.HelloEvent.g.cs", run.Sources.Keys);
    }

    [Fact]
    public void SchemaNamespaceWinsOverRootNamespace()
    {
        var options = new TestOptionsProvider(new Dictionary<string, string> { ["build_property.RootNamespace"] = "My.App" });
        var run = GeneratorHarness.Run(GeneratorHarness.ReadSchema("enums.events.schema.json"), options: options);

        AssertClean(run);
        Assert.All(run.Sources.Keys, hint => Assert.StartsWith("Focus.Enums.", hint));
    }

    private static readonly string[] UnionFiles = [".Event.g.cs", ".EventType.g.cs", ".EventJsonConverter.g.cs", "JsonContext.g.cs"];

    /// <summary>
    /// The shared helpers file differs between schemas only in its namespace, so it is verified once, with the
    /// PolyAI schema. Focused snapshots keep what their feature changes: the union, converter and context only
    /// where the feature is about them (nested references to the union, envelope metadata, transient events).
    /// Every schema's full output still has to compile cleanly.
    /// </summary>
    private static void VerifySchema(
        string fileName,
        bool includeUnion = true,
        [System.Runtime.CompilerServices.CallerMemberName] string testMethod = "")
    {
        var run = GeneratorHarness.Run(GeneratorHarness.ReadSchema(fileName), "/schemas/" + fileName);
        AssertClean(run);
        var sources = run.Sources
            .Where(s => includeUnion || !UnionFiles.Any(suffix => s.Key.EndsWith(suffix, System.StringComparison.Ordinal)))
            .ToDictionary(s => s.Key, s => s.Value);
        Snapshot.Verify(sources, nameof(SnapshotTests), testMethod);
    }

    private static void AssertClean(GeneratorRun run)
    {
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
        Assert.Empty(run.CompilationWarnings.Select(d => d.ToString()));
    }

    private static Dictionary<string, string> Filter(GeneratorRun run, params string[] typeNames) =>
        run.Sources.Where(s => typeNames.Any(t => s.Key.EndsWith("." + t + ".g.cs", System.StringComparison.Ordinal)))
            .ToDictionary(s => s.Key, s => s.Value);
}
