using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PolyChat.Protocol.Generators.Tests.Infrastructure;
using Xunit;

namespace PolyChat.Protocol.Generators.Tests;

/// <summary>The pipeline caches: edits re-run only what they change.</summary>
public sealed class IncrementalTests
{
    private const string SchemaPath = "/schemas/polychat.events.schema.json";

    private static readonly string[] TrackedSteps =
    {
        TrackingNames.Inputs, TrackingNames.Parse, TrackingNames.Diagnostics, TrackingNames.Specs, TrackingNames.Events,
        TrackingNames.Shapes, TrackingNames.Enums, TrackingNames.Union,
    };

    [Fact]
    public void UnrelatedCodeEditReRunsNothing()
    {
        var schema = new InMemoryAdditionalText(SchemaPath, GeneratorHarness.ReadSchema("polychat.events.schema.json"));
        var compilation = GeneratorHarness.CreateCompilation("class Before { }");
        var driver = GeneratorHarness.CreateDriver(new[] { schema }).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { int X => 1; }", GeneratorHarness.ParseOptions));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in TrackedSteps)
        {
            var reasons = Reasons(result, step);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.True(
                reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"Step {step} re-ran ({reason}) after an unrelated edit."));
        }

        Assert.All(
            result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void EditingOneEventsDescriptionReEmitsOnlyThatEvent()
    {
        var text = GeneratorHarness.ReadSchema("polychat.events.schema.json");
        var original = new InMemoryAdditionalText(SchemaPath, text);
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver(new[] { original }).RunGenerators(compilation);

        var marker = "\"description\": \"";
        var eventStart = text.IndexOf("\"HeartbeatEvent\": {", StringComparison.Ordinal);
        var descriptionStart = text.IndexOf(marker, eventStart, StringComparison.Ordinal) + marker.Length;
        var edited = new InMemoryAdditionalText(SchemaPath, text.Insert(descriptionStart, "Edited. "));
        var result = driver.ReplaceAdditionalText(original, edited).RunGenerators(compilation).GetRunResult().Results.Single();

        var events = result.TrackedSteps[TrackingNames.Events].SelectMany(s => s.Outputs).ToList();
        var modified = events.Where(o => o.Reason == IncrementalStepRunReason.Modified).ToList();
        Assert.Single(modified);
        Assert.Contains("Edited. ", ((dynamic)modified[0].Value).Event.Description as string);
        Assert.All(events.Except(modified), o => Assert.True(o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached));

        foreach (var step in new[] { TrackingNames.Shapes, TrackingNames.Enums, TrackingNames.Union })
        {
            Assert.All(Reasons(result, step), reason => Assert.True(
                reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached,
                $"Step {step} changed ({reason}) though only an event description was edited."));
        }
    }

    [Fact]
    public void AddingAnEventReEmitsTheUnionButNotTheOtherEvents()
    {
        var text = GeneratorHarness.ReadSchema("enums.events.schema.json");
        var original = new InMemoryAdditionalText("/s/enums.events.schema.json", text);
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver(new[] { original }).RunGenerators(compilation);

        var withEvent = text
            .Replace("\"oneOf\": [ { \"$ref\": \"#/$defs/LightChangedEvent\" } ]", "\"oneOf\": [ { \"$ref\": \"#/$defs/LightChangedEvent\" }, { \"$ref\": \"#/$defs/LightOffEvent\" } ]")
            .Replace("\"$defs\": {", "\"$defs\": {\n    \"LightOffEvent\": { \"properties\": { \"type\": { \"const\": \"LIGHT_OFF\" } } },");
        var result = driver.ReplaceAdditionalText(original, new InMemoryAdditionalText(original.Path, withEvent))
            .RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, TrackingNames.Union));
        var events = result.TrackedSteps[TrackingNames.Events].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(events, o => o.Reason == IncrementalStepRunReason.New);
        Assert.Contains(events, o => o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached);
    }

    private static List<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps.TryGetValue(step, out var runs)
            ? runs.SelectMany(r => r.Outputs).Select(o => o.Reason).ToList()
            : new List<IncrementalStepRunReason>();
}
