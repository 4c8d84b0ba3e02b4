using System;
using System.Collections.Generic;
using System.Linq;
using PolyChat.Protocol.Generators.Diagnostics;

namespace PolyChat.Cli.Schema;

/// <summary>
/// A schema file the source generator would refuse: <see cref="Diagnostics"/> holds its errors (the generator's
/// PCP ids, messages and positions), and the message lists them one per line as a compiler would.
/// </summary>
internal sealed class SchemaReadException : Exception
{
    public SchemaReadException(IReadOnlyList<DiagnosticInfo> diagnostics, string file)
        : base(string.Join(Environment.NewLine, diagnostics.Select(d => Format(d, file))))
        => Diagnostics = diagnostics;

    public SchemaReadException()
    {
        Diagnostics = Array.Empty<DiagnosticInfo>();
    }

    public SchemaReadException(string message)
        : base(message) => Diagnostics = Array.Empty<DiagnosticInfo>();

    public SchemaReadException(string message, Exception innerException)
        : base(message, innerException) => Diagnostics = Array.Empty<DiagnosticInfo>();

    /// <summary>The errors that stop generation, in the order the generator reports them.</summary>
    public IReadOnlyList<DiagnosticInfo> Diagnostics { get; }

    /// <summary>One diagnostic as <c>file(line,column): error PCP001: message</c>.</summary>
    public static string Format(DiagnosticInfo diagnostic, string file) =>
        $"{file}({diagnostic.Location?.Line ?? 1},{diagnostic.Location?.Column ?? 1}): {(diagnostic.IsError ? "error" : "warning")} {diagnostic.Id}: {diagnostic.Message}";
}
