using Microsoft.CodeAnalysis.CSharp;

namespace PolyChat.Protocol.Generators.Parsing;

/// <summary>What C# accepts as a type or namespace name, as the compiler itself decides.</summary>
internal static class Identifiers
{
    public static bool IsValidIdentifier(string name) =>
        SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None;

    public static bool IsValidNamespace(string name)
    {
        foreach (var part in name.Split('.'))
        {
            if (!IsValidIdentifier(part))
            {
                return false;
            }
        }

        return true;
    }
}
