using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace PolyChat.Protocol.Generators.Parsing;

/// <summary>Turns wire names into C# names. Culture-invariant by construction (ASCII only).</summary>
internal static class Naming
{
    /// <summary><c>agent_avatar_url</c> → <c>AgentAvatarUrl</c>; <c>EVENT_TYPE_X</c> → <c>EventTypeX</c>.</summary>
    public static string ToPascalCase(string wireName)
    {
        var builder = new StringBuilder(wireName.Length);
        var upperNext = true;
        var previousWasLower = false;
        foreach (var c in wireName)
        {
            if (!IsAsciiLetterOrDigit(c))
            {
                upperNext = true;
                previousWasLower = false;
                continue;
            }

            if (upperNext)
            {
                builder.Append(ToUpper(c));
                upperNext = false;
            }
            else
            {
                // SCREAMING_CASE words become Pascal words; camelCase humps are kept.
                var isUpper = c >= 'A' && c <= 'Z';
                builder.Append(isUpper && !previousWasLower ? ToLower(c) : c);
            }

            previousWasLower = c >= 'a' && c <= 'z';
        }

        if (builder.Length > 0 && builder[0] >= '0' && builder[0] <= '9')
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Member names for enum values: the prefix all values share (up to an underscore) is dropped,
    /// so <c>TYPING_STATE_STARTED</c>/<c>TYPING_STATE_STOPPED</c> become <c>Started</c>/<c>Stopped</c>.
    /// </summary>
    public static List<string> EnumMemberNames(IReadOnlyList<string> values)
    {
        var prefixLength = values.Count > 1 ? CommonUnderscorePrefixLength(values) : 0;
        var names = new List<string>(values.Count);
        foreach (var value in values)
        {
            var name = ToPascalCase(value.Substring(prefixLength));
            names.Add(name.Length == 0 ? "Value" : name);
        }

        return names;
    }

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

    private static int CommonUnderscorePrefixLength(IReadOnlyList<string> values)
    {
        var first = values[0];
        var length = first.Length;
        foreach (var value in values)
        {
            var i = 0;
            while (i < length && i < value.Length && value[i] == first[i])
            {
                i++;
            }

            length = i;
        }

        // Cut back to the last underscore so a shared partial word is not removed.
        var cut = first.LastIndexOf('_', Math.Max(0, length - 1));
        var prefix = cut < 0 || length == 0 ? 0 : cut + 1;

        // Never strip a value to nothing.
        foreach (var value in values)
        {
            if (value.Length <= prefix)
            {
                return 0;
            }
        }

        return prefix;
    }

    private static bool IsAsciiLetterOrDigit(char c) =>
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

    private static char ToUpper(char c) => c >= 'a' && c <= 'z' ? (char)(c - 32) : c;

    private static char ToLower(char c) => c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}
