using System;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using PolyChat.Protocol.Generators.Diagnostics;
using PolyChat.Protocol.Generators.Emit;
using PolyChat.Protocol.Generators.Helpers;
using PolyChat.Protocol.Generators.Model;
using PolyChat.Protocol.Generators.Parsing;

namespace PolyChat.Protocol.Generators;

/// <summary>
/// Generates typed events, open enums, a closed <c>Event</c> union and AOT-safe converters from every
/// <c>AdditionalFiles</c> item named <c>*.events.schema.json</c>.
/// </summary>
/// <remarks>
/// The pipeline is parse → spec → emit. Only value-equatable records flow between steps, and each
/// event, shape and enum is its own output, so an edit re-emits only what it changed.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class EventSchemaGenerator : IIncrementalGenerator
{
    /// <summary>The file-name suffix that marks an event schema.</summary>
    public const string SchemaSuffix = ".events.schema.json";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var inputs = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(SchemaSuffix, StringComparison.OrdinalIgnoreCase))
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, cancellationToken) =>
            {
                var (file, options) = pair;
                var fileOptions = options.GetOptions(file);
                fileOptions.TryGetValue("build_metadata.AdditionalFiles.PolyChatNamespace", out var ns);
                fileOptions.TryGetValue("build_metadata.AdditionalFiles.PolyChatContextName", out var contextName);
                options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var rootNamespace);
                var text = file.GetText(cancellationToken)?.ToString() ?? string.Empty;
                return new SchemaInput(file.Path, text, NullIfEmpty(ns), NullIfEmpty(contextName), NullIfEmpty(rootNamespace));
            })
            .WithTrackingName(TrackingNames.Inputs);

        var results = inputs
            .Select(static (input, cancellationToken) => SchemaParser.Parse(input, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        // Diagnostics are their own output: a change that only moves a diagnostic re-emits no code.
        context.RegisterSourceOutput(
            results.Select(static (result, _) => result.Diagnostics).WithTrackingName(TrackingNames.Diagnostics),
            static (spc, diagnostics) =>
            {
                foreach (var diagnostic in diagnostics)
                {
                    spc.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });

        var specs = results
            .Where(static result => result.Spec is not null)
            .Select(static (result, _) => result.Spec!)
            .WithTrackingName(TrackingNames.Specs);

        var events = specs
            .SelectMany(static (spec, _) => spec.Events.Select(e => new EventEmitModel(spec.Namespace, e)))
            .WithTrackingName(TrackingNames.Events);
        context.RegisterSourceOutput(events, static (spc, model) =>
            AddSource(spc, model.Namespace, model.Event.Name, () => EventEmitter.Emit(model)));

        var shapes = specs
            .SelectMany(static (spec, _) => spec.Shapes.Select(s => new ShapeEmitModel(spec.Namespace, s)))
            .WithTrackingName(TrackingNames.Shapes);
        context.RegisterSourceOutput(shapes, static (spc, model) =>
            AddSource(spc, model.Namespace, model.Shape.Name, () => ShapeEmitter.Emit(model)));

        var enums = specs
            .SelectMany(static (spec, _) => spec.Enums.Select(e => new EnumEmitModel(spec.Namespace, e)))
            .WithTrackingName(TrackingNames.Enums);
        context.RegisterSourceOutput(enums, static (spc, model) =>
            AddSource(spc, model.Namespace, model.Enum.Name, () => EnumEmitter.Emit(model)));

        var unions = specs
            .Select(static (spec, _) => new UnionEmitModel(
                spec.Namespace,
                spec.ContextName,
                spec.MetadataType,
                spec.Events.Select(e => new EventCase(e.Name, e.WireType, e.Direction, e.IsTransient, e.PayloadType, e.PayloadHasRequiredProperties)).ToEquatableArray(),
                spec.Shapes.Select(s => s.Name).ToEquatableArray(),
                spec.Enums.Select(e => e.Name).ToEquatableArray()))
            .WithTrackingName(TrackingNames.Union);
        context.RegisterSourceOutput(unions, static (spc, model) =>
        {
            AddSource(spc, model.Namespace, "Event", () => UnionEmitter.Emit(model));
            AddSource(spc, model.Namespace, "EventType", () => UnionEmitter.EmitEventType(model));
            AddSource(spc, model.Namespace, "EventJsonConverter", () => EventConverterEmitter.Emit(model));
            AddSource(spc, model.Namespace, model.ContextName, () => ContextEmitter.Emit(model));
        });
    }

    private static void AddSource(SourceProductionContext context, string ns, string typeName, Func<string> emit)
    {
        var hintName = $"{ns}.{typeName}.g.cs";
        try
        {
            context.AddSource(hintName, SourceText.From(emit(), Encoding.UTF8));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Two schemas emitting the same type, or an emitter bug: report it instead of failing the build.
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.InternalError,
                Location.None,
                $"could not emit {hintName}: {exception.Message}"));
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
