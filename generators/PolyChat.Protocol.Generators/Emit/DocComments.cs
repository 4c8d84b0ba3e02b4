using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace PolyChat.Protocol.Generators.Emit;

/// <summary>Writes schema descriptions as XML doc comments.</summary>
internal static class DocComments
{
    public static void Summary(Helpers.SourceWriter writer, string? description, string fallback)
    {
        writer.WriteLine("/// <summary>");
        foreach (var line in Lines(string.IsNullOrWhiteSpace(description) ? fallback : description!))
        {
            writer.WriteLine("/// " + line);
        }

        writer.WriteLine("/// </summary>");
    }

    /// <summary>
    /// Text for one line of a doc comment: XML markup is escaped, and control characters (a line break would end
    /// the comment and turn the rest into code; others are not valid XML) become spaces.
    /// </summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                default: builder.Append(char.IsControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c); break;
            }
        }

        return builder.ToString();
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Trim().Replace("\r\n", "\n").Split(new[] { '\n' }, StringSplitOptions.None).Select(Escape);
}
