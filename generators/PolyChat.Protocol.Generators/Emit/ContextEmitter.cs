using System.Collections.Generic;
using System.Linq;
using PolyChat.Protocol.Generators.Helpers;

namespace PolyChat.Protocol.Generators.Emit;

/// <summary>
/// Emits the <c>JsonSerializerContext</c>. System.Text.Json's own generator cannot see types another
/// generator emits, so this context hands out <c>JsonTypeInfo</c> backed by the emitted converters.
/// </summary>
internal static class ContextEmitter
{
    public static string Emit(UnionEmitModel model)
    {
        var ns = model.Namespace;
        var context = model.ContextName;
        var types = new List<(string Type, string Converter)> { ("Event", "global::" + ns + ".EventJsonConverter.Instance") };
        types.AddRange(model.Events.Select(e => (e.Name, $"global::{ns}.EventJsonConverter<global::{ns}.{e.Name}>.Instance")));
        types.Add(("UnknownEvent", $"global::{ns}.EventJsonConverter<global::{ns}.UnknownEvent>.Instance"));
        types.Add(("EventType", $"global::{ns}.EventTypeJsonConverter.Instance"));
        types.AddRange(model.ShapeNames.Concat(model.EnumNames).Select(n => (n, $"global::{ns}.{n}JsonConverter.Instance")));
        types.Sort((a, b) => string.CompareOrdinal(a.Type, b.Type));

        var writer = new SourceWriter();
        Headers.Write(writer, ns);
        writer.WriteBlock($$"""
            /// <summary>
            /// Serialization metadata for every type generated from the event schema, backed by generated
            /// converters: no reflection, safe under trimming and Native AOT.
            /// </summary>
            /// <example>
            /// <code>
            /// var json = global::System.Text.Json.JsonSerializer.Serialize(evt, {{context}}.Default.Event);
            /// var options = new global::System.Text.Json.JsonSerializerOptions { TypeInfoResolver = {{context}}.Default };
            /// </code>
            /// </example>
            {{Headers.GeneratedCode}}
            public sealed partial class {{context}} : global::System.Text.Json.Serialization.JsonSerializerContext, global::System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver
            """);
        writer.OpenBrace();
        writer.WriteBlock($$"""
            private static readonly global::System.Text.Json.JsonSerializerOptions s_defaultOptions = new();

            /// <summary>The context bound to default options.</summary>
            public static {{context}} Default { get; } = new(new global::System.Text.Json.JsonSerializerOptions(s_defaultOptions));

            /// <summary>Creates a context with its own default options.</summary>
            public {{context}}()
                : base(null)
            {
            }

            /// <summary>Creates a context bound to <paramref name="options"/>.</summary>
            /// <param name="options">The options; the context becomes their type-info resolver.</param>
            public {{context}}(global::System.Text.Json.JsonSerializerOptions options)
                : base(options)
            {
            }

            /// <inheritdoc/>
            protected override global::System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => s_defaultOptions;
            """);
        writer.WriteLine();
        foreach (var (type, _) in types)
        {
            writer.WriteLine($"private global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<global::{ns}.{type}>? _{type};");
        }

        foreach (var (type, _) in types)
        {
            writer.WriteLine();
            writer.WriteBlock($$"""
                /// <summary>Metadata for <see cref="global::{{ns}}.{{type}}"/>.</summary>
                public global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<global::{{ns}}.{{type}}> {{type}} =>
                    _{{type}} ??= (global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<global::{{ns}}.{{type}}>)Options.GetTypeInfo(typeof(global::{{ns}}.{{type}}));
                """);
        }

        writer.WriteLine();
        writer.WriteBlock("""
            /// <inheritdoc/>
            public override global::System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(global::System.Type type)
            {
                Options.TryGetTypeInfo(type, out var typeInfo);
                return typeInfo;
            }
            """);
        writer.WriteLine();
        writer.WriteLine("global::System.Text.Json.Serialization.Metadata.JsonTypeInfo? global::System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver.GetTypeInfo(global::System.Type type, global::System.Text.Json.JsonSerializerOptions options)");
        writer.OpenBrace();
        foreach (var (type, converter) in types)
        {
            writer.WriteBlock($$"""
                if (type == typeof(global::{{ns}}.{{type}}))
                {
                    return global::System.Text.Json.Serialization.Metadata.JsonMetadataServices.CreateValueInfo<global::{{ns}}.{{type}}>(options, {{converter}});
                }
                """);
            writer.WriteLine();
        }

        writer.WriteLine("return null;");
        writer.CloseBrace();
        writer.CloseBrace();
        return writer.ToString();
    }
}
