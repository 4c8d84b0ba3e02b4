using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace PolyChat.Protocol.Generators.Diagnostics;

/// <summary>Turns the schema reader's plain diagnostics into the compiler's, at the edge of the generator.</summary>
internal static class RoslynDiagnostics
{
    public static Diagnostic ToDiagnostic(this DiagnosticInfo info)
    {
        var arguments = new object[info.Arguments.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = info.Arguments[i];
        }

        return Diagnostic.Create(DiagnosticDescriptors.Find(info.Id), info.Location?.ToLocation() ?? Location.None, arguments);
    }

    public static Location ToLocation(this LocationInfo location)
    {
        var start = new LinePosition(location.Line - 1, location.Column - 1);
        return Location.Create(location.FilePath, new TextSpan(location.Offset, location.Length), new LinePositionSpan(start, start));
    }
}
