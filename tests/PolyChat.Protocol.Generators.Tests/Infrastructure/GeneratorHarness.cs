using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace PolyChat.Protocol.Generators.Tests.Infrastructure;

/// <summary>Runs <see cref="EventSchemaGenerator"/> over in-memory schemas, as the compiler would.</summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12);

    /// <summary>
    /// The language a net10.0 project compiles with by default: C# 14 (these tests reference Roslyn 5.0 for it; the
    /// generator itself is built against 4.8.0).
    /// </summary>
    public static readonly CSharpParseOptions ConsumerParseOptions = new(LanguageVersion.CSharp14);

    /// <summary>A net10.0 consumer's compilation: nullable on, every warning wave (level 9999) and warnings as errors.</summary>
    public static readonly CSharpCompilationOptions ConsumerCompilationOptions =
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            .WithWarningLevel(9999)
            .WithGeneralDiagnosticOption(ReportDiagnostic.Error);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Append(typeof(PolyChatJsonException).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    public static string ReadSchema(string fileName) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", fileName));

    public static CSharpCompilation CreateCompilation(params string[] sources) => CSharpCompilation.Create(
        "GeneratorTests",
        sources.Select(source => CSharpSyntaxTree.ParseText(source, ParseOptions)),
        References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> schemas, TestOptionsProvider? options = null) =>
        CreateDriver(schemas, ParseOptions, options);

    private static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> schemas, CSharpParseOptions parseOptions, TestOptionsProvider? options) =>
        CSharpGeneratorDriver.Create(
            new[] { new EventSchemaGenerator().AsSourceGenerator() },
            schemas,
            parseOptions,
            options ?? new TestOptionsProvider(),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once on one schema and compiles the result.</summary>
    public static GeneratorRun Run(string schemaText, string path = "/schemas/test.events.schema.json", TestOptionsProvider? options = null)
    {
        var driver = CreateDriver(new[] { new InMemoryAdditionalText(path, schemaText) }, options);
        driver = driver.RunGeneratorsAndUpdateCompilation(CreateCompilation(), out var output, out var generatorDiagnostics);
        var result = driver.GetRunResult();
        return new GeneratorRun(result, output, generatorDiagnostics);
    }

    /// <summary>
    /// Runs the generator once on one schema and compiles the result as a net10.0 consumer would
    /// (<see cref="ConsumerParseOptions"/>, <see cref="ConsumerCompilationOptions"/>): any warning is in
    /// <see cref="GeneratorRun.CompilationErrors"/>.
    /// </summary>
    public static GeneratorRun RunAsConsumer(string schemaText, string path = "/schemas/test.events.schema.json")
    {
        var driver = CreateDriver(new[] { new InMemoryAdditionalText(path, schemaText) }, ConsumerParseOptions, null);
        var compilation = CSharpCompilation.Create("ConsumerTests", [], References.Value, ConsumerCompilationOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return new GeneratorRun(driver.GetRunResult(), output, generatorDiagnostics);
    }
}

public sealed record GeneratorRun(GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public IReadOnlyDictionary<string, string> Sources =>
        Result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    public ImmutableArray<Diagnostic> Diagnostics => Result.Diagnostics;

    /// <summary>Compiler errors in the generated code (the user's code is empty, so any error is ours).</summary>
    public IReadOnlyList<Diagnostic> CompilationErrors =>
        Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error || d.IsWarningAsError).ToList();

    public IReadOnlyList<Diagnostic> CompilationWarnings =>
        Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Warning && d.Id != "CS0436").ToList();
}

public sealed class InMemoryAdditionalText : AdditionalText
{
    private readonly SourceText _text;

    public InMemoryAdditionalText(string path, string text)
    {
        Path = path;
        _text = SourceText.From(text);
    }

    public override string Path { get; }

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>Supplies MSBuild properties and per-file item metadata the way the SDK's editorconfig does.</summary>
public sealed class TestOptionsProvider : AnalyzerConfigOptionsProvider
{
    private readonly TestOptions _global;
    private readonly Dictionary<string, TestOptions> _files = new(StringComparer.Ordinal);

    public TestOptionsProvider(IDictionary<string, string>? global = null) => _global = new TestOptions(global);

    public override AnalyzerConfigOptions GlobalOptions => _global;

    public TestOptionsProvider WithFile(string path, IDictionary<string, string> metadata)
    {
        _files[path] = new TestOptions(metadata);
        return this;
    }

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => TestOptions.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        _files.TryGetValue(textFile.Path, out var options) ? options : TestOptions.Empty;

    private sealed class TestOptions : AnalyzerConfigOptions
    {
        public static readonly TestOptions Empty = new(null);

        private readonly Dictionary<string, string> _values;

        public TestOptions(IDictionary<string, string>? values) =>
            _values = values is null ? new Dictionary<string, string>() : new Dictionary<string, string>(values);

        public override bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value!);
    }
}
