using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using PolyChat.Cli.Schema;

namespace PolyChat.Cli;

/// <summary><c>polychat schema diff</c>: what changed between two versions of an event schema, and whom it breaks.</summary>
internal static partial class CliApp
{
    private static Command SchemaCommand(TextWriter output, TextWriter stderr)
    {
        var before = new Argument<string>("OLD") { Description = "The earlier schema file." };
        var after = new Argument<string>("NEW") { Description = "The later schema file." };
        var accept = new Option<string?>("--accept")
        {
            Description = "A file of deliberate breaking changes, one '<rule id> <path>' per line ('#' starts a comment): " +
                          "those are reported as accepted and do not fail the command.",
        };
        var diff = new Command(
            "diff",
            "List every change from OLD to NEW with its rule id, JSON path and class: safe, or breaking for C# code " +
            "compiled against the generated types (csharp), for an old reader of a new writer (wire:old-reader) or a new " +
            $"reader of an old writer (wire:new-reader). Exit 0: nothing breaking; {ExitCodes.Breaking}: breaking changes; " +
            "1: a schema could not be read; 2: usage error.")
        {
            before,
            after,
            accept,
        };
        diff.SetAction(parse => RunSchemaDiff(parse.GetValue(before)!, parse.GetValue(after)!, parse.GetValue(accept), output, stderr));
        return new Command("schema", "Work with event schemas (schema/*.events.schema.json).") { diff };
    }

    private static int RunSchemaDiff(string beforePath, string afterPath, string? acceptPath, TextWriter output, TextWriter stderr)
    {
        var beforeText = ReadAllTextOrNull(beforePath, stderr);
        var afterText = ReadAllTextOrNull(afterPath, stderr);
        var acceptText = acceptPath is null ? "" : ReadAllTextOrNull(acceptPath, stderr);
        if (beforeText is null || afterText is null || acceptText is null)
        {
            return ExitCodes.Usage;
        }

        SchemaSurface beforeSurface, afterSurface;
        try
        {
            beforeSurface = ReadSurface(beforeText, beforePath, stderr);
            afterSurface = ReadSurface(afterText, afterPath, stderr);
        }
        catch (SchemaReadException exception)
        {
            foreach (var line in exception.Message.Split(Environment.NewLine))
            {
                stderr.WriteLine($"polychat: {line}");
            }

            return ExitCodes.Rejected;
        }

        var accepted = new HashSet<string>(
            acceptText.Split('\n').Select(line => line.Split('#')[0].Trim()).Where(line => line.Length > 0).Select(Normalize),
            StringComparer.Ordinal);
        var changes = SchemaDiff.Compare(beforeSurface, afterSurface);
        var breaking = 0;
        foreach (var change in changes)
        {
            var isAccepted = change.IsBreaking && accepted.Contains(Normalize($"{change.Rule.Id} {change.Path}"));
            output.WriteLine(isAccepted ? change + " [accepted]" : change.ToString());
            if (change.IsBreaking && !isAccepted)
            {
                breaking++;
            }
        }

        stderr.WriteLine($"polychat: {changes.Count} change(s), {breaking} breaking{(changes.Count(c => c.IsBreaking) > breaking ? $", {changes.Count(c => c.IsBreaking) - breaking} accepted" : "")}.");
        return breaking == 0 ? ExitCodes.Success : ExitCodes.Breaking;
    }

    private static SchemaSurface ReadSurface(string text, string path, TextWriter stderr)
    {
        // The generator's own reader: a schema it refuses is refused here (SchemaReadException), with its diagnostics.
        var spec = SchemaSurfaceReader.Parse(text, path, out var warnings);
        foreach (var warning in warnings)
        {
            stderr.WriteLine($"polychat: {SchemaReadException.Format(warning, path)}");
        }

        return SchemaSurfaceReader.FromSpec(spec);
    }

    private static string Normalize(string line) => string.Join(' ', line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string? ReadAllTextOrNull(string path, TextWriter stderr)
    {
        using var stream = OpenOrNull(path, stderr);
        if (stream is null)
        {
            return null;
        }

        // A leading byte-order mark, as Windows editors write, is skipped by the reader.
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
