using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using PolyChat.Protocol.Generators.Tests.Infrastructure;
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
        using var generated = Generated.Compile(Schema("Before", before), Schema("After", after));

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
    private static bool Breaks(Generated generated, string writer, string reader, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            var written = generated.RoundTrip(writer, $$"""{"chunk_index": {{value}}}""");
            try
            {
                if (JsonSemantics.FirstDifference(written, generated.RoundTrip(reader, written)) is not null)
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

    /// <summary>Two schemas' generated code, compiled into one assembly (one namespace each) and loaded to run.</summary>
    private sealed class Generated : IDisposable
    {
        private readonly AssemblyLoadContext _context;
        private readonly Assembly _assembly;

        private Generated(AssemblyLoadContext context, Assembly assembly)
        {
            _context = context;
            _assembly = assembly;
        }

        public static Generated Compile(string before, string after)
        {
            var driver = GeneratorHarness.CreateDriver(new[]
            {
                new InMemoryAdditionalText("/s/before.events.schema.json", before),
                new InMemoryAdditionalText("/s/after.events.schema.json", after),
            });
            driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.CreateCompilation(), out var output, out _);
            using var image = new MemoryStream();
            var emitted = output.Emit(image);
            Assert.True(emitted.Success, string.Join(" | ", emitted.Diagnostics.Take(3)));
            image.Position = 0;
            var context = new AssemblyLoadContext("round-trip", isCollectible: true);
            return new Generated(context, context.LoadFromStream(image));
        }

        /// <summary>Reads a payload with <paramref name="ns"/>'s generated reader and writes it back with its writer.</summary>
        public string RoundTrip(string ns, string payload)
        {
            var contextType = _assembly.GetType($"{ns}.{ns}EventsJsonContext", throwOnError: true)!;
            var context = contextType.GetProperty("Default", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            var info = (JsonTypeInfo)contextType.GetProperty("ChunkPayload")!.GetValue(context)!;
            try
            {
                return JsonSerializer.Serialize(JsonSerializer.Deserialize(payload, info), info);
            }
            catch (TargetInvocationException exception) when (exception.InnerException is not null)
            {
                throw exception.InnerException;
            }
        }

        public void Dispose() => _context.Unload();
    }
}
