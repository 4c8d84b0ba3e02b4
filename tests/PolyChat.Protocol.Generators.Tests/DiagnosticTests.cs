using System.Linq;
using Microsoft.CodeAnalysis;
using PolyChat.Protocol.Generators.Tests.Infrastructure;
using Xunit;

namespace PolyChat.Protocol.Generators.Tests;

/// <summary>Every diagnostic: its id, severity, and the line and column it points at.</summary>
public sealed class DiagnosticTests
{
    private const string Header = "\"x-namespace\": \"T\",\n";

    [Fact]
    public void InvalidJsonReportsPositionAndEmitsNothing()
    {
        var run = GeneratorHarness.Run("{\n  \"x-namespace\": \"T\",\n  \"oneOf\": [,]\n}");
        AssertSingle(run, "PCP001", line: 3, column: 13, DiagnosticSeverity.Error);
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("{\"a\": tru}")]
    [InlineData("{\"a\": \"unterminated}")]
    [InlineData("{\"a\": 1,}")]
    [InlineData("")]
    [InlineData("{\"a\": 01}")]
    [InlineData("{\"a\": \"\\x\"}")]
    [InlineData("{} {}")]
    public void MalformedJsonIsADiagnosticNeverAnException(string text)
    {
        var run = GeneratorHarness.Run(text);
        Assert.Equal("PCP001", Assert.Single(run.Diagnostics).Id);
    }

    [Fact]
    public void DeepNestingIsReportedNotOverflowed()
    {
        var text = new string('[', 10_000) + new string(']', 10_000);
        var run = GeneratorHarness.Run(text);
        Assert.Equal("PCP001", Assert.Single(run.Diagnostics).Id);
    }

    [Fact]
    public void RootMustBeAnObject() =>
        AssertSingle(GeneratorHarness.Run("[1]"), "PCP002", 1, 1, DiagnosticSeverity.Error);

    [Fact]
    public void KeywordWithWrongJsonType() =>
        AssertHas(GeneratorHarness.Run("{" + Header + "\"$defs\": 3}"), "PCP002", 2, 10);

    [Fact]
    public void OtherDialectIsAWarningAndStillGenerates()
    {
        var run = GeneratorHarness.Run("{\"$schema\": \"http://json-schema.org/draft-07/schema#\"," + Header + Event("A", "A_EVT") + "}");
        AssertSingle(run, "PCP003", 1, 13, DiagnosticSeverity.Warning);
        Assert.Contains("T.AEvent.g.cs", run.Sources.Keys);
    }

    [Fact]
    public void MissingNamespace() =>
        AssertHas(GeneratorHarness.Run("{" + Event("A", "A_EVT") + "}"), "PCP004", 1, 1);

    [Fact]
    public void InvalidNamespace() =>
        AssertHas(GeneratorHarness.Run("{\"x-namespace\": \"1Bad.Name\"," + Event("A", "A_EVT") + "}"), "PCP005", 1, 17);

    [Fact]
    public void InvalidDefinitionName() =>
        AssertHas(GeneratorHarness.Run("{" + Header + "\"$defs\": {\"class\": {\"type\": \"object\"}}}"), "PCP005", 2, 11);

    [Fact]
    public void ReservedTypeName() =>
        AssertHas(GeneratorHarness.Run("{" + Header + "\"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}],\n\"$defs\": {\"AEvent\": {\"properties\": {\"type\": {\"const\": \"A\"}}},\n\"EventType\": {\"type\": \"object\"}}}"), "PCP006", 4, 1);

    [Fact]
    public void EventWithoutTypeConst() =>
        AssertHas(GeneratorHarness.Run("{" + Header + "\"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}],\n\"$defs\": {\"AEvent\": {\"properties\": {}}}}"), "PCP007", 3, 21);

    [Fact]
    public void DuplicateWireType() =>
        AssertHas(GeneratorHarness.Run("{" + Header + "\"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}, {\"$ref\": \"#/$defs/BEvent\"}],\n\"$defs\": {\"AEvent\": {\"properties\": {\"type\": {\"const\": \"X\"}}}, \"BEvent\": {\"properties\": {\"type\": {\"const\": \"X\"}}}}}"), "PCP008", 2, 39);

    [Fact]
    public void UnresolvedReference() =>
        AssertHas(GeneratorHarness.Run("{" + Header + Event("A", "A_EVT", "\"payload\": {\"type\": \"object\", \"properties\": {\"p\": {\"$ref\": \"#/$defs/Missing\"}}}") + "}"), "PCP009");

    [Fact]
    public void UnsupportedKeyword() =>
        AssertHas(GeneratorHarness.Run("{" + Header + Event("A", "A_EVT", "\"payload\": {\"type\": \"object\", \"properties\": {\"p\": {\"anyOf\": []}}}") + "}"), "PCP010");

    [Fact]
    public void DuplicateKeyIsAWarning() =>
        AssertHas(GeneratorHarness.Run("{" + Header + "\"x-namespace\": \"T\"," + Event("A", "A_EVT") + "}"), "PCP011", 2, 1);

    [Fact]
    public void RequiredNamesUndeclaredProperty() =>
        AssertHas(GeneratorHarness.Run("{" + Header + Event("A", "A_EVT", "\"payload\": {\"type\": \"object\", \"required\": [\"ghost\"], \"properties\": {}}") + "}"), "PCP012");

    [Fact]
    public void InvalidDirection() =>
        AssertHas(GeneratorHarness.Run("{" + Header + "\"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}],\n\"$defs\": {\"AEvent\": {\"x-direction\": \"sideways\", \"properties\": {\"type\": {\"const\": \"A\"}}}}}"), "PCP013", 3, 37);

    [Fact]
    public void InvalidTransientFlag() =>
        AssertHas(GeneratorHarness.Run("{" + Header + "\"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}],\n\"$defs\": {\"AEvent\": {\"x-transient\": \"yes\", \"properties\": {\"type\": {\"const\": \"A\"}}}}}"), "PCP013", 3, 37);

    [Fact]
    public void NoEvents() =>
        AssertSingle(GeneratorHarness.Run("{" + Header + "\"$defs\": {}}"), "PCP014", 1, 1, DiagnosticSeverity.Error);

    [Fact]
    public void EnumNamesThatClashAreRenamed()
    {
        var run = GeneratorHarness.Run("{" + Header + "\"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}],\n\"$defs\": {\"AEvent\": {\"properties\": {\"type\": {\"const\": \"A_EVT\"}}}, \"E\": {\"type\": \"string\", \"enum\": [\"a-b\", \"a_b\"]}}}");
        var diagnostic = Assert.Single(run.Diagnostics, d => d.Id == "PCP015");
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("public static E AB2 { get; }", run.Sources["T.E.g.cs"]);
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void ErrorsSuppressAllOutputButAreAllReported()
    {
        var run = GeneratorHarness.Run("{" + Header + "\"oneOf\": [{\"$ref\": \"#/$defs/AEvent\"}, {\"$ref\": \"#/$defs/Nope\"}],\n\"$defs\": {\"AEvent\": {\"x-direction\": 1, \"properties\": {\"type\": {\"const\": \"A\"}}}}}");
        Assert.Contains(run.Diagnostics, d => d.Id == "PCP009");
        Assert.Contains(run.Diagnostics, d => d.Id == "PCP002");
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void DiagnosticsPointIntoTheSchemaFile()
    {
        var run = GeneratorHarness.Run("[1]", "/schemas/broken.events.schema.json");
        Assert.Equal("/schemas/broken.events.schema.json", Assert.Single(run.Diagnostics).Location.GetLineSpan().Path);
    }

    [Fact]
    public void FilesWithOtherNamesAreIgnored()
    {
        var run = GeneratorHarness.Run("not json at all", "/schemas/readme.json");
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.Sources);
    }

    private static string Event(string name, string wireType, string? payload = null) =>
        $"\"oneOf\": [{{\"$ref\": \"#/$defs/{name}Event\"}}],\n\"$defs\": {{\"{name}Event\": {{\"properties\": {{\"type\": {{\"const\": \"{wireType}\"}}{(payload is null ? string.Empty : ", " + payload)}}}}}}}";

    private static void AssertSingle(GeneratorRun run, string id, int line, int column, DiagnosticSeverity severity)
    {
        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        AssertPosition(diagnostic, line, column);
    }

    private static void AssertHas(GeneratorRun run, string id, int? line = null, int? column = null)
    {
        var diagnostic = run.Diagnostics.FirstOrDefault(d => d.Id == id);
        Assert.True(diagnostic is not null, $"Expected {id}; got: {string.Join("; ", run.Diagnostics)}");
        Assert.False(string.IsNullOrWhiteSpace(diagnostic!.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        if (line is not null)
        {
            AssertPosition(diagnostic, line.Value, column!.Value);
        }
    }

    private static void AssertPosition(Diagnostic diagnostic, int line, int column)
    {
        var start = diagnostic.Location.GetLineSpan().StartLinePosition;
        Assert.Equal((line, column), (start.Line + 1, start.Character + 1));
    }
}
