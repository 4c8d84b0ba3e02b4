using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace PolyChat.Protocol.Generators.Diagnostics;

/// <summary>
/// The Roslyn descriptor of each <see cref="SchemaDiagnostic"/>; title and message come from the plain definition.
/// Ids and severities are written out here because the analyzer release tracking (AnalyzerReleases.*.md) reads them
/// as constants; a test holds each severity equal to the plain definition's.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "PolyChat.Protocol.Schema";

    public static readonly DiagnosticDescriptor InvalidJson = Error("PCP001");

    public static readonly DiagnosticDescriptor InvalidKeyword = Error("PCP002");

    public static readonly DiagnosticDescriptor UnsupportedDialect = Warning("PCP003");

    public static readonly DiagnosticDescriptor MissingNamespace = Error("PCP004");

    public static readonly DiagnosticDescriptor InvalidIdentifier = Error("PCP005");

    public static readonly DiagnosticDescriptor DuplicateTypeName = Error("PCP006");

    public static readonly DiagnosticDescriptor InvalidEvent = Error("PCP007");

    public static readonly DiagnosticDescriptor DuplicateWireType = Error("PCP008");

    public static readonly DiagnosticDescriptor UnresolvedReference = Error("PCP009");

    public static readonly DiagnosticDescriptor UnsupportedConstruct = Error("PCP010");

    public static readonly DiagnosticDescriptor DuplicateKey = Warning("PCP011");

    public static readonly DiagnosticDescriptor UnknownRequiredProperty = Warning("PCP012");

    public static readonly DiagnosticDescriptor InvalidExtension = Error("PCP013");

    public static readonly DiagnosticDescriptor NoEvents = Error("PCP014");

    public static readonly DiagnosticDescriptor EnumMemberNameClash = Warning("PCP015");

    public static readonly DiagnosticDescriptor TypeNameIsOwnMember = Error("PCP016");

    public static readonly DiagnosticDescriptor InternalError = Error("PCP099");

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = Index(
        InvalidJson, InvalidKeyword, UnsupportedDialect, MissingNamespace, InvalidIdentifier, DuplicateTypeName, InvalidEvent, DuplicateWireType, UnresolvedReference, UnsupportedConstruct, DuplicateKey, UnknownRequiredProperty, InvalidExtension, NoEvents, EnumMemberNameClash, TypeNameIsOwnMember, InternalError);

    /// <summary>Every descriptor, for tests.</summary>
    public static IEnumerable<DiagnosticDescriptor> All => ById.Values;

    public static DiagnosticDescriptor Find(string id) =>
        ById.TryGetValue(id, out var descriptor) ? descriptor : throw new ArgumentException($"Unknown diagnostic id {id}.", nameof(id));

    private static DiagnosticDescriptor Error(string id) =>
        new(id, SchemaDiagnostics.Find(id).Title, SchemaDiagnostics.Find(id).MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id) =>
        new(id, SchemaDiagnostics.Find(id).Title, SchemaDiagnostics.Find(id).MessageFormat, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    private static Dictionary<string, DiagnosticDescriptor> Index(params DiagnosticDescriptor[] descriptors)
    {
        var map = new Dictionary<string, DiagnosticDescriptor>(StringComparer.Ordinal);
        foreach (var descriptor in descriptors)
        {
            map.Add(descriptor.Id, descriptor);
        }

        return map;
    }
}
