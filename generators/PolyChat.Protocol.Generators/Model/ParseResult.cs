using PolyChat.Protocol.Generators.Diagnostics;
using PolyChat.Protocol.Generators.Helpers;

namespace PolyChat.Protocol.Generators.Model;

/// <summary>The parse step's output: a spec when the schema can be emitted, and its diagnostics as plain data.</summary>
internal sealed record ParseResult(SchemaSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>What the generator knows about one schema file before parsing: its text and its options.</summary>
internal sealed record SchemaInput(
    string Path,
    string Text,
    string? NamespaceOverride,
    string? ContextNameOverride,
    string? RootNamespace);
