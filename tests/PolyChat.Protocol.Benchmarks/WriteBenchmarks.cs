using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Encodings.Web;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PolyChat.Protocol.Benchmarks.Alternatives;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Benchmarks;

/// <summary>Writing an outbound user message (with a client_event_id) into an <see cref="IBufferWriter{T}"/>.</summary>
[MemoryDiagnoser]
public class WriteBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private UserMessageEvent _ours = null!;
    private StjUserMessageEvent _theirs = null!;
    private Utf8JsonWriter _stjWriter = null!;

    [GlobalSetup]
    public void Setup()
    {
        const string text = "Can I change my delivery address?";
        const string clientEventId = "5f0c2a9e-3d41-4c1b-9a57-0b6e2d8f1c33";
        _ours = new UserMessageEvent(new UserMessagePayload { Text = text })
        {
            Metadata = new Metadata { Custom = new Dictionary<string, string> { ["client_event_id"] = clientEventId } },
        };
        _theirs = new StjUserMessageEvent
        {
            Payload = new StjUserMessagePayload { Text = text },
            Metadata = new StjMetadata { Custom = new Dictionary<string, string> { ["client_event_id"] = clientEventId } },
        };
        _stjWriter = new Utf8JsonWriter(_output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    [Benchmark(Description = "PolyChat outbound")]
    public int PolyChat()
    {
        _output.ResetWrittenCount();
        PolyChatJson.WriteClientEvent(_output, _ours);
        return _output.WrittenCount;
    }

    [Benchmark(Baseline = true, Description = "STJ source-gen outbound")]
    public int Stj()
    {
        _output.ResetWrittenCount();
        _stjWriter.Reset(_output);
        JsonSerializer.Serialize(_stjWriter, _theirs, StjContext.Default.StjEvent);
        return _output.WrittenCount;
    }
}
