using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using PolyChat.Protocol.Generators.Helpers;

namespace PolyChat.Protocol.Generators.Diagnostics;

/// <summary>A position in a schema file, kept as plain data so models stay equatable.</summary>
internal sealed record LocationInfo(string FilePath, int Offset, int Length, int Line, int Column)
{
    public Location ToLocation()
    {
        var start = new LinePosition(Line - 1, Column - 1);
        return Location.Create(FilePath, new TextSpan(Offset, Length), new LinePositionSpan(start, start));
    }
}

/// <summary>A diagnostic as data: the descriptor id, its message arguments and where it points.</summary>
internal sealed record DiagnosticInfo(string Id, EquatableArray<string> Arguments, LocationInfo? Location)
{
    public Diagnostic ToDiagnostic()
    {
        var descriptor = DiagnosticDescriptors.Find(Id);
        var arguments = new object[Arguments.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Arguments[i];
        }

        return Diagnostic.Create(descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, arguments);
    }
}
