using System.Collections.Generic;

namespace PolyChat.Protocol.Generators.Helpers;

/// <summary>
/// Checks that a fragment of C# closes every <c>{</c> it opens and closes none it did not open. Braces in
/// comments and in string and char literals (regular, verbatim, raw, interpolated) are text, not structure;
/// the code inside an interpolation hole is structure again.
/// </summary>
internal static class BraceBalance
{
    private static readonly char[] Braces = { '{', '}' };

    /// <summary>Returns null when the fragment balances, otherwise what is wrong and on which line of it.</summary>
    public static string? FindProblem(string code)
    {
        if (code.IndexOfAny(Braces) < 0)
        {
            // Most emitted lines have no brace at all: nothing to scan.
            return null;
        }

        var open = new Stack<int>();
        var i = 0;
        if (ScanCode(code, ref i, open, inHole: false) is { } stray)
        {
            return $"'}}' on line {LineOf(code, stray)} closes a brace the fragment did not open";
        }

        return open.Count == 0 ? null : $"'{{' on line {LineOf(code, open.Peek())} is not closed within the fragment";
    }

    /// <summary>
    /// Scans code from <paramref name="i"/>, pushing the offset of each open brace. In a hole it stops on the
    /// <c>}</c> that ends the hole; otherwise it returns the offset of a <c>}</c> with nothing open, or null at the end.
    /// </summary>
    private static int? ScanCode(string code, ref int i, Stack<int> open, bool inHole)
    {
        var depth = 0;
        while (i < code.Length)
        {
            var c = code[i];
            if (c == '/' && Next(code, i) == '/')
            {
                SkipPast(code, ref i, "\n");
            }
            else if (c == '/' && Next(code, i) == '*')
            {
                i += 2;
                SkipPast(code, ref i, "*/");
            }
            else if (c == '\'')
            {
                SkipCharLiteral(code, ref i);
            }
            else if (c is '"' or '$' or '@')
            {
                SkipStringOrPrefix(code, ref i, open);
            }
            else if (c == '{')
            {
                open.Push(i);
                depth++;
                i++;
            }
            else if (c == '}')
            {
                if (depth == 0)
                {
                    return inHole ? null : i;
                }

                open.Pop();
                depth--;
                i++;
            }
            else
            {
                i++;
            }
        }

        return null;
    }

    /// <summary>Skips the string literal starting at <paramref name="i"/>, prefixes included, or a lone prefix.</summary>
    private static void SkipStringOrPrefix(string code, ref int i, Stack<int> open)
    {
        var j = i;
        var dollars = 0;
        var verbatim = false;
        while (j < code.Length && (code[j] == '$' || (code[j] == '@' && !verbatim)))
        {
            verbatim |= code[j] == '@';
            dollars += code[j] == '$' ? 1 : 0;
            j++;
        }

        if (j >= code.Length || code[j] != '"')
        {
            // A verbatim identifier (@class) or a stray prefix: not a literal.
            i++;
            return;
        }

        var quotes = 0;
        while (j + quotes < code.Length && code[j + quotes] == '"')
        {
            quotes++;
        }

        if (quotes >= 3 && !verbatim)
        {
            // A raw literal ends at the first run of as many quotes; its holes never hold that many.
            i = j + quotes;
            SkipPast(code, ref i, new string('"', quotes));
            return;
        }

        i = j + 1;
        SkipQuoted(code, ref i, open, verbatim, interpolated: dollars > 0);
    }

    private static void SkipQuoted(string code, ref int i, Stack<int> open, bool verbatim, bool interpolated)
    {
        while (i < code.Length)
        {
            var c = code[i];
            if (c == '"' && verbatim && Next(code, i) == '"')
            {
                i += 2;
            }
            else if (c == '"')
            {
                i++;
                return;
            }
            else if (c == '\\' && !verbatim)
            {
                i += 2;
            }
            else if (c == '\n' && !verbatim)
            {
                // An unterminated literal ends with its line, so the rest of the fragment is still checked.
                return;
            }
            else if (interpolated && (c == '{' || c == '}') && Next(code, i) == c)
            {
                i += 2;
            }
            else if (interpolated && c == '{')
            {
                i++;
                ScanCode(code, ref i, open, inHole: true);
                i++;
            }
            else
            {
                i++;
            }
        }
    }

    private static void SkipCharLiteral(string code, ref int i)
    {
        i++;
        while (i < code.Length && code[i] != '\'' && code[i] != '\n')
        {
            i += code[i] == '\\' ? 2 : 1;
        }

        i++;
    }

    private static void SkipPast(string code, ref int i, string end)
    {
        var found = code.IndexOf(end, i, System.StringComparison.Ordinal);
        i = found < 0 ? code.Length : found + end.Length;
    }

    private static char Next(string code, int i) => i + 1 < code.Length ? code[i + 1] : '\0';

    private static int LineOf(string code, int offset)
    {
        var line = 1;
        for (var k = 0; k < offset && k < code.Length; k++)
        {
            line += code[k] == '\n' ? 1 : 0;
        }

        return line;
    }
}
