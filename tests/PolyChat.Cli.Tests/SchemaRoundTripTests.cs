using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using PolyChat.Protocol.Tests;
using Xunit;

namespace PolyChat.Cli.Tests;

/// <summary>
/// Issue 25, started with one rule: a schema-diff class decided by a round trip instead of by the hand-written table.
/// OLD and NEW are generated and compiled side by side; each side's writer writes sample values of its own wire type,
/// and the other side's reader reads them and writes them back. A reader that throws or writes back a different value
/// breaks that direction. The classes schema diff prints must be the ones the round trip observes.
/// For <c>integer</c> → <c>number</c> the round trip confirms the table: a new reader does read old integers, but
/// above 2^53 as a different value (a double), which the README counts as dropping data; with values bounded by
/// 2^53 it would be safe for new readers. The sample values are therefore the decision, and they are here.
/// </summary>
public sealed class SchemaRoundTripTests
{
    private static readonly Dictionary<string, string[]> Samples = new(StringComparer.Ordinal)
    {
        // 2^53 + 1: the first integer a double cannot hold, so reading it as a number changes it.
        ["integer"] = ["0", "3", "-7", "9007199254740993"],
        ["number"] = ["0", "3", "1.5", "-2.25E+10"],
    };

    [Theory]
    [InlineData("integer", "number")]
    [InlineData("number", "integer")]
    public void A_property_type_change_is_classed_as_its_round_trip_behaves(string before, string after)
    {
        using var generated = GeneratedSchemas.Compile(("before", Schema("Before", before)), ("after", Schema("After", after)));

        var newReaderBreaks = Breaks(generated, "Before", "After", Samples[before]);
        var oldReaderBreaks = Breaks(generated, "After", "Before", Samples[after]);

        var expected = "breaking(csharp" + (oldReaderBreaks ? ",wire:old-reader" : "") + (newReaderBreaks ? ",wire:new-reader" : "") + ")";
        var directory = Directory.CreateTempSubdirectory("round-trip-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "old.json"), Schema("Before", before));
            File.WriteAllText(Path.Combine(directory, "new.json"), Schema("Before", after));
            var result = CliResult.Run("", "schema", "diff", Path.Combine(directory, "old.json"), Path.Combine(directory, "new.json"));
            var line = Assert.Single(result.StdoutLines, l => l.StartsWith("PCS015 ", StringComparison.Ordinal));
            Assert.Equal(expected, line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>True when a value written by <paramref name="writer"/> is refused or changed by <paramref name="reader"/>.</summary>
    private static bool Breaks(GeneratedSchemas generated, string writer, string reader, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            var written = generated.RoundTrip(writer, "ChunkPayload", $$"""{"chunk_index": {{value}}}""");
            try
            {
                if (JsonSemantics.FirstDifference(written, generated.RoundTrip(reader, "ChunkPayload", written)) is not null)
                {
                    return true;
                }
            }
            catch (JsonException)
            {
                // PolyChatJsonException, the generated readers' refusal, is a JsonException.
                return true;
            }
        }

        return false;
    }

    private static string Schema(string ns, string chunkIndexType) => $$"""
        {
          "x-namespace": "{{ns}}",
          "oneOf": [ { "$ref": "#/$defs/ChunkEvent" } ],
          "$defs": {
            "ChunkEvent": { "properties": { "type": { "const": "CHUNK" }, "payload": { "$ref": "#/$defs/ChunkPayload" } } },
            "ChunkPayload": { "type": "object", "required": [ "chunk_index" ], "properties": { "chunk_index": { "type": "{{chunkIndexType}}" } } }
          }
        }
        """;
}
