using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using PolyChat.Protocol.Generators.Tests.Infrastructure;
using Xunit;

namespace PolyChat.Cli.Tests;

/// <summary>
/// Several schemas' generated code, compiled into one assembly (one namespace each, from each schema's
/// <c>x-namespace</c>) and loaded to run: the round-trip tests read with one schema's converters what another's wrote.
/// </summary>
internal sealed class GeneratedSchemas : IDisposable
{
    private readonly AssemblyLoadContext _context;
    private readonly Assembly _assembly;

    private GeneratedSchemas(AssemblyLoadContext context, Assembly assembly)
    {
        _context = context;
        _assembly = assembly;
    }

    /// <summary>Compiles <c>/s/&lt;file&gt;.events.schema.json</c> for each pair; the context is <c>&lt;File&gt;EventsJsonContext</c>.</summary>
    public static GeneratedSchemas Compile(params (string File, string Schema)[] schemas)
    {
        var driver = GeneratorHarness.CreateDriver(schemas.Select(s => new InMemoryAdditionalText($"/s/{s.File}.events.schema.json", s.Schema)).ToArray());
        driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.CreateCompilation(), out var output, out _);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join(" | ", emitted.Diagnostics.Take(3)));
        image.Position = 0;
        var context = new AssemblyLoadContext("round-trip", isCollectible: true);
        return new GeneratedSchemas(context, context.LoadFromStream(image));
    }

    /// <summary>Reads <paramref name="json"/> as the type <paramref name="typeName"/> of namespace <paramref name="ns"/> with its generated reader.</summary>
    public object Read(string ns, string typeName, string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, Info(ns, typeName))!;
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
    }

    /// <summary>Writes <paramref name="value"/> with the generated writer of <paramref name="typeName"/> (a base type such as <c>Event</c> included).</summary>
    public string Write(string ns, string typeName, object value) => JsonSerializer.Serialize(value, Info(ns, typeName));

    /// <summary>Reads a value with <paramref name="ns"/>'s generated reader and writes it back with its writer.</summary>
    public string RoundTrip(string ns, string typeName, string json) => Write(ns, typeName, Read(ns, typeName, json));

    /// <summary>The generated type <c>ns.name</c>, or null.</summary>
    public Type? Type(string ns, string name) => _assembly.GetType($"{ns}.{name}");

    /// <summary>
    /// The JSON name of each declared property of a generated record, by C# name: read from its converter's
    /// <c>&lt;ClrName&gt;PropertyName</c> fields, i.e. from what the generated code does, not from the schema.
    /// </summary>
    public IReadOnlyDictionary<string, string> DeclaredProperties(Type record)
    {
        var converter = _assembly.GetType(record.FullName + "JsonConverter");
        return converter is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : converter.GetFields(BindingFlags.Static | BindingFlags.NonPublic)
                .Where(f => f.FieldType == typeof(JsonEncodedText) && f.Name.EndsWith("PropertyName", StringComparison.Ordinal))
                .ToDictionary(f => f.Name[..^"PropertyName".Length], f => ((JsonEncodedText)f.GetValue(null)!).ToString(), StringComparer.Ordinal);
    }

    /// <summary>The public types generated in namespace <paramref name="ns"/>.</summary>
    public IEnumerable<Type> Types(string ns) => _assembly.GetExportedTypes().Where(t => t.Namespace == ns);

    /// <summary>
    /// Compiles <paramref name="usage"/> against the code generated from <paramref name="schema"/> alone and returns
    /// the errors and warnings reported in <paramref name="usage"/> (nullable warnings included, as a build with
    /// <c>TreatWarningsAsErrors</c> would fail on them).
    /// </summary>
    public static IReadOnlyList<string> CompileUsage(string schema, string usage)
    {
        var driver = GeneratorHarness.CreateDriver(new[] { new InMemoryAdditionalText("/s/usage.events.schema.json", schema) });
        var compilation = GeneratorHarness.CreateCompilation(usage);
        var usageTree = compilation.SyntaxTrees.Single();
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return output.GetDiagnostics()
            .Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning && d.Location.SourceTree == usageTree)
            .Select(d => $"{d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .ToList();
    }

    private JsonTypeInfo Info(string ns, string typeName)
    {
        var contextType = _assembly.GetType($"{ns}.{ns}EventsJsonContext", throwOnError: true)!;
        var context = contextType.GetProperty("Default", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return (JsonTypeInfo)contextType.GetProperty(typeName)!.GetValue(context)!;
    }

    public void Dispose() => _context.Unload();
}
