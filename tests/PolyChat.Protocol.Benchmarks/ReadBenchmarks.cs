using System.IO;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PolyChat.Protocol.Benchmarks.Alternatives;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Benchmarks;

/// <summary>
/// Reading one frame into typed objects, against two floors (a bare token pass, and one that also
/// materializes every string value: the least any typed read must do) and the usual alternatives.
/// </summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    [Params("small", "medium", "large", "batch")]
    public string Frame { get; set; } = "medium";

    private byte[] _frame = null!;
    private byte[] _typeFirst = null!;
    private byte[] _typeLast = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frame = Frame switch
        {
            "small" => Frames.Small,
            "medium" => Frames.Medium,
            "large" => Frames.Large,
            _ => Frames.Batch,
        };

        // STJ's polymorphism reads the discriminator only when it comes first, unless told to look ahead.
        _typeFirst = Frames.WithTypeAt(_frame, first: true);
        _typeLast = Frames.WithTypeAt(_frame, first: false);
    }

    [Benchmark(Description = "floor: reader")]
    public int BareReader()
    {
        var reader = new Utf8JsonReader(_frame);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    [Benchmark(Baseline = true, Description = "floor: reader + strings")]
    public int ReaderAndStrings()
    {
        var reader = new Utf8JsonReader(_frame);
        var length = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                length += reader.GetString()!.Length;
            }
        }

        return length;
    }

    [Benchmark(Description = "PolyChat generated")]
    public Event PolyChat() => PolyChatJson.Read(_frame);

    [Benchmark(Description = "STJ polymorphic, type first")]
    public StjEvent? StjTypeFirst() => JsonSerializer.Deserialize(_typeFirst, StjContext.Default.StjEvent);

    [Benchmark(Description = "STJ out-of-order, type last")]
    public StjEvent? StjTypeLast() => JsonSerializer.Deserialize(_typeLast, StjOutOfOrderContext.Default.StjEvent);

    [Benchmark(Description = "Newtonsoft JObject converter")]
    public StjEvent? Newtonsoft()
    {
        using var text = new StreamReader(new MemoryStream(_frame), Encoding.UTF8);
        using var reader = new Newtonsoft.Json.JsonTextReader(text);
        return NewtonsoftEventConverter.Serializer.Deserialize<StjEvent>(reader);
    }
}
