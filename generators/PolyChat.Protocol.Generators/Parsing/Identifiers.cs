using System.Collections.Generic;
using System.Globalization;

namespace PolyChat.Protocol.Generators.Parsing;

/// <summary>
/// What C# accepts as a type or namespace name. The same rules as the compiler's <c>SyntaxFacts.IsValidIdentifier</c>
/// with no reserved keyword, written out here so the schema reader stays free of Roslyn and <c>polychat schema diff</c>
/// refuses exactly what the generator refuses (a test compares the two over every character and keyword).
/// </summary>
internal static class Identifiers
{
    /// <summary>The reserved keywords (contextual ones such as <c>record</c> are valid names).</summary>
    private static readonly HashSet<string> ReservedKeywords = new(System.StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while", "__arglist", "__makeref", "__reftype", "__refvalue",
    };

    public static bool IsValidIdentifier(string name)
    {
        if (string.IsNullOrEmpty(name) || !IsIdentifierStart(name[0]))
        {
            return false;
        }

        for (var i = 1; i < name.Length; i++)
        {
            if (!IsIdentifierPart(name[i]))
            {
                return false;
            }
        }

        return !ReservedKeywords.Contains(name);
    }

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

    /// <summary>A letter (Lu, Ll, Lt, Lm, Lo, Nl) or '_'.</summary>
    public static bool IsIdentifierStart(char c) => c < 0x80
        ? c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_'
        : IsLetter(CharUnicodeInfo.GetUnicodeCategory(c));

    /// <summary>A letter, a decimal digit (Nd), a connector (Pc), a combining mark (Mn, Mc) or a format character (Cf).</summary>
    public static bool IsIdentifierPart(char c)
    {
        if (c < 0x80)
        {
            return c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        return IsLetter(category) || category is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.Format;
    }

    private static bool IsLetter(UnicodeCategory category) => category is UnicodeCategory.UppercaseLetter
        or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
        or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber;
}
