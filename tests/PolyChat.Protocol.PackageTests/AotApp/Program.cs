using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Tests;

// Runs as a Native AOT binary: every event type round-trips through the generated converters (façade and
// JsonSerializerContext), and the receiver sequences a transcript. Any mismatch exits non-zero.
var failures = new List<string>();
var assembly = typeof(Program).Assembly;
var frames = assembly.GetManifestResourceNames().Where(n => n.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
var types = new HashSet<string>(StringComparer.Ordinal);

foreach (var name in frames)
{
    var bytes = ReadResource(name);
    try
    {
        var value = PolyChatJson.Read(bytes);
        types.Add(value.Type.Value);
        if (value is UnknownEvent)
        {
            failures.Add($"{name}: read as UnknownEvent");
        }

        var viaFacade = PolyChatJson.Write(value);
        var viaContext = JsonSerializer.Serialize(JsonSerializer.Deserialize(bytes, PolyChatJsonContext.Default.Event)!, PolyChatJsonContext.Default.Event);
        if (!SameJson(bytes, viaFacade))
        {
            failures.Add($"{name}: façade round trip differs: {viaFacade}");
        }

        // The context uses the caller's options (default escaping), the façade relaxed escaping: same JSON values.
        if (!SameJson(Encoding.UTF8.GetBytes(viaContext), viaFacade))
        {
            failures.Add($"{name}: context and façade disagree: {viaContext}");
        }
    }
    catch (PolyChatJsonException exception)
    {
        failures.Add($"{name}: {exception.Message}");
    }
}

if (types.Count < 27)
{
    failures.Add($"only {types.Count} of 27 event types were exercised");
}

var receiver = new EventReceiver();
var delivered = new List<long>();
foreach (var line in Encoding.UTF8.GetString(ReadResource("session.jsonl")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
{
    if (receiver.Receive(Encoding.UTF8.GetBytes(line), out var error) == FrameOutcome.Invalid)
    {
        failures.Add($"transcript line rejected: {error!.Message}");
    }

    while (receiver.TryTake(out var output))
    {
        if (output.Kind == SequencerOutputKind.Event && output.Event.Sequence is { } sequence)
        {
            delivered.Add(sequence);
        }
    }
}

if (!delivered.SequenceEqual(Enumerable.Range(1, 12).Select(i => (long)i)))
{
    failures.Add($"transcript delivered {string.Join(",", delivered)}");
}

foreach (var failure in failures)
{
    Console.Error.WriteLine($"FAIL: {failure}");
}

Console.WriteLine($"aot: {frames.Count} frames, {types.Count} event types, {delivered.Count} sequenced events, {failures.Count} failures");
return failures.Count == 0 ? 0 : 1;

byte[] ReadResource(string name)
{
    using var stream = assembly.GetManifestResourceStream(name)!;
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    return memory.ToArray();
}

// The repository's one JSON comparer (linked from PolyChat.Protocol.Tests): null is not absent, key order is
// not significant, and a repeated key is a difference.
static bool SameJson(byte[] expected, string actual)
{
    var difference = JsonSemantics.FirstDifference(Encoding.UTF8.GetString(expected), actual);
    if (difference is not null)
    {
        Console.Error.WriteLine($"JSON differs at {difference}");
    }

    return difference is null;
}
