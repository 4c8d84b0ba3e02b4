using System;

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

    public static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string[] Lines(string text) =>
        Escape(text.Trim()).Replace("\r\n", "\n").Split(new[] { '\n' }, StringSplitOptions.None);
}
