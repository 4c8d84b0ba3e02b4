namespace PolyChat.Protocol.Generators.Diagnostics;

/// <summary>
/// One kind of schema diagnostic as plain data: id, title, message format and whether it stops generation.
/// Free of Roslyn types, so <c>polychat schema diff</c> compiles it too and refuses what the generator refuses;
/// the generator turns each into a Roslyn descriptor in <c>DiagnosticDescriptors</c>.
/// </summary>
internal sealed record SchemaDiagnostic(string Id, string Title, string MessageFormat, bool IsError);
