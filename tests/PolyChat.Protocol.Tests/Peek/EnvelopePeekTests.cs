using System;
using System.Text;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;
using PolyChat.Protocol.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace PolyChat.Protocol.Tests.Peek;

/// <summary>
/// <see cref="PolyChatJson.PeekEnvelope"/>: a frame's <c>id</c>, <c>sequence</c> and <c>type</c> (PROTOCOL.md §1b),
/// wherever they stand in the object, without reading the payload and, for the usual frame, without allocating.
/// </summary>
public class EnvelopePeekTests(ITestOutputHelper output)
{
    private const string Uuid = "0190a3f1-4e80-7c2a-b1d9-2f6a8c0d4e12";

    /// <summary>The USER_MESSAGE echo of PROTOCOL.md §8, as the server sends it.</summary>
    private const string Echo =
        """
        {
          "id": "0190a3f1-4e80-7c2a-b1d9-2f6a8c0d4e12",
          "sequence": 6,
          "timestamp": "2026-05-20T09:15:40Z",
          "type": "EVENT_TYPE_USER_MESSAGE",
          "payload": { "message_id": "msg_u_7f3k2", "text": "Can I change my delivery address?" },
          "metadata": { "custom": { "client_event_id": "5f0c2a9e-3d41-4c1b-9a57-0b6e2d8f1c33" } }
        }
        """;

    public static TheoryData<string> KeyOrders() => new()
    {
        // Canonical order.
        $$$"""{"id":"{{{Uuid}}}","sequence":42,"timestamp":"2026-05-20T09:15:40Z","type":"EVENT_TYPE_SESSION_END","payload":{"reason":"REASON_USER_END"}}""",

        // Type first.
        $$$"""{"type":"EVENT_TYPE_SESSION_END","id":"{{{Uuid}}}","sequence":42,"payload":{"reason":"REASON_USER_END"}}""",

        // Type last, after the payload.
        $$$"""{"id":"{{{Uuid}}}","sequence":42,"payload":{"reason":"REASON_USER_END"},"metadata":{"custom":{}},"type":"EVENT_TYPE_SESSION_END"}""",

        // Id after the payload.
        $$$"""{"sequence":42,"type":"EVENT_TYPE_SESSION_END","payload":{"reason":"REASON_USER_END"},"id":"{{{Uuid}}}"}""",

        // Everything after a payload whose own keys are called id, sequence and type.
        $$$"""{"payload":{"id":"not-me","sequence":7,"type":"EVENT_TYPE_HEARTBEAT","reason":"REASON_USER_END"},"timestamp":"2026-05-20T09:15:40Z","sequence":42,"id":"{{{Uuid}}}","type":"EVENT_TYPE_SESSION_END"}""",

        // Pretty-printed, with unknown top-level keys in between.
        $$$"""
        {
          "extra": [1, {"id": "x"}, "type"],
          "sequence" : 42 ,
          "type" : "EVENT_TYPE_SESSION_END",
          "id" : "{{{Uuid}}}",
          "payload" : { "reason" : "REASON_USER_END" }
        }
        """,
    };

    [Theory]
    [MemberData(nameof(KeyOrders))]
    public void ReadsTheEnvelopeWhereverItsKeysStand(string frame)
    {
        EventEnvelope envelope = Peek(frame);

        Assert.Equal(EventKey.FromString(Uuid), envelope.Id);
        Assert.Equal(42, envelope.Sequence);
        Assert.Equal(EventType.SessionEnd, envelope.Type);
    }

    [Theory]
    [InlineData("""{"id":"0190a3f1-2c01-7f3b-8d2a-6e1c0b9a8f45","sequence":null,"type":"EVENT_TYPE_LIVE_AGENT_TYPING","payload":{}}""")]
    [InlineData("""{"id":"0190a3f1-2c01-7f3b-8d2a-6e1c0b9a8f45","type":"EVENT_TYPE_LIVE_AGENT_TYPING","payload":{}}""")]
    [InlineData("""{"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""")]
    public void ANullOrAbsentSequenceIsNull(string frame) =>
        Assert.Null(Peek(frame).Sequence);

    [Theory]
    [InlineData("""{"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""")]
    [InlineData("""{"id":null,"sequence":3,"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""")]
    [InlineData("""{"id":"","sequence":3,"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""")]
    public void AnAbsentOrEmptyIdIsTheEmptyId(string frame)
    {
        EventEnvelope envelope = Peek(frame);

        Assert.True(envelope.Id.IsEmpty);
        Assert.Equal(default, envelope.Id);
        Assert.Equal(EventType.Heartbeat, envelope.Type);
    }

    [Fact]
    public void AUuidIdEqualsTheSameIdReadFromAString()
    {
        EventEnvelope envelope = Peek(Echo);

        Assert.False(envelope.Id.IsEmpty);
        Assert.True(envelope.Id.IsUuid);
        Assert.Equal(EventKey.FromString(Uuid), envelope.Id);
        Assert.NotEqual(EventKey.FromString("0190a3f1-4e80-7c2a-b1d9-2f6a8c0d4e13"), envelope.Id);
        Assert.Equal(6, envelope.Sequence);
    }

    [Fact]
    public void ANonUuidIdEqualsTheSameIdReadFromAString()
    {
        EventEnvelope envelope = Peek("""{"id":"evt-000123","sequence":1,"type":"EVENT_TYPE_HEARTBEAT"}""");

        Assert.Equal(EventKey.FromString("evt-000123"), envelope.Id);
        Assert.NotEqual(EventKey.FromString("evt-000124"), envelope.Id);
    }

    [Theory]
    [InlineData("\\u0030190a3f1-4e80-7c2a-b1d9-2f6a8c0d4e12", Uuid)]
    [InlineData("0190a3f1\\u002D4e80-7c2a-b1d9-2f6a8c0d4e1\\u0032", Uuid)]
    [InlineData("evt\\u002D000123", "evt-000123")]
    [InlineData("caf\\u00e9-\\ud83d\\ude00", "café-😀")]
    public void AnEscapedIdEqualsTheUnescapedId(string escaped, string plain)
    {
        EventEnvelope fromEscaped = Peek($$$"""{"id":"{{{escaped}}}","sequence":1,"type":"EVENT_TYPE_HEARTBEAT"}""");
        EventEnvelope fromPlain = Peek($$$"""{"id":"{{{plain}}}","sequence":1,"type":"EVENT_TYPE_HEARTBEAT"}""");

        Assert.Equal(EventKey.FromString(plain), fromEscaped.Id);
        Assert.Equal(fromPlain.Id, fromEscaped.Id);
    }

    [Theory]
    [InlineData("EVENT_TYPE_SESSION_START")]
    [InlineData("EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK")]
    [InlineData("EVENT_TYPE_POLY_AGENT_MESSAGE")]
    [InlineData("EVENT_TYPE_LIVE_AGENT_TYPING")]
    [InlineData("EVENT_TYPE_HEARTBEAT")]
    public void AKnownTypeIsTheCatalogueValue(string wire)
    {
        EventEnvelope envelope = Peek($$$"""{"type":"{{{wire}}}","payload":{}}""");

        Assert.True(envelope.Type.IsKnown);
        Assert.Equal(new EventType(wire), envelope.Type);
        Assert.Equal(wire, envelope.Type.Value);
    }

    [Fact]
    public void KnownTypesMapToTheirNamedValues()
    {
        Assert.Equal(EventType.SessionStart, Peek("""{"type":"EVENT_TYPE_SESSION_START"}""").Type);
        Assert.Equal(EventType.PolyAgentMessageChunk, Peek("""{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK"}""").Type);
        Assert.Equal(EventType.UserMessage, Peek("""{"type":"EVENT_TYPE_USER_MESSAGE"}""").Type);
        Assert.Equal(EventType.Heartbeat, Peek("""{"type":"EVENT_TYPE_HEART\u0042EAT"}""").Type);
    }

    [Theory]
    [InlineData("EVENT_TYPE_SHOW_CSAT_REQUEST")]
    [InlineData("EVENT_TYPE_FROM_THE_FUTURE")]
    [InlineData("event_type_heartbeat")]
    public void AnUnknownTypeIsKeptAsItIs(string wire)
    {
        EventEnvelope envelope = Peek($$$"""{"id":"{{{Uuid}}}","sequence":9,"type":"{{{wire}}}","payload":{"anything":[1,2,3]}}""");

        Assert.False(envelope.Type.IsKnown);
        Assert.Equal(wire, envelope.Type.Value);
        Assert.Equal(9, envelope.Sequence);
        Assert.False(envelope.IsBatch);
    }

    [Fact]
    public void ABatchFrameIsRecognised()
    {
        EventEnvelope batch = Peek(
            """
            {"type":"EVENT_TYPE_EVENT_BATCH","payload":{"events":[
              {"id":"0190a3f1-1c22-7b10-8e4d-5a1f0c9b7e01","sequence":1,"type":"EVENT_TYPE_SESSION_START","payload":{}}
            ]}}
            """);

        Assert.True(batch.IsBatch);
        Assert.Equal(EventType.EventBatch, batch.Type);

        // The wrapper's envelope is its own; the inner event's id and sequence are not hoisted.
        Assert.True(batch.Id.IsEmpty);
        Assert.Null(batch.Sequence);

        Assert.False(Peek(Echo).IsBatch);
    }

    [Fact]
    public void ThePayloadIsNotReadOnceTheEnvelopeIsKnown()
    {
        const string Truncated = """{"id":"a","sequence":1,"type":"EVENT_TYPE_HEARTBEAT","payload":{"x":[1,2,""";

        EventEnvelope envelope = Peek(Truncated);

        Assert.Equal(EventKey.FromString("a"), envelope.Id);
        Assert.Equal(1, envelope.Sequence);
        Assert.Equal(EventType.Heartbeat, envelope.Type);

        // The peek is a filter, not a validator: the full read still rejects the frame.
        PolyChatJsonException error = Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(Truncated));
        Assert.StartsWith("$.payload", error.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnreadPayloadOfAnyShapeIsIgnored()
    {
        EventEnvelope envelope = Peek("""{"type":"EVENT_TYPE_HEARTBEAT","id":"a","sequence":2,"payload":"not an object","also":{"deep":[[[[]]]]}}""");

        Assert.Equal(2, envelope.Sequence);
        Assert.Equal(EventType.Heartbeat, envelope.Type);
    }

    [Theory]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("0", 0L)]
    [InlineData("-1", -1L)]
    public void AnySequenceThatFitsInALongIsRead(string json, long expected) =>
        Assert.Equal(expected, Peek($$$"""{"sequence":{{{json}}},"type":"EVENT_TYPE_HEARTBEAT"}""").Sequence);

    /// <summary>Frames the peek must refuse, with the text of the offending token (null: the whole frame).</summary>
    public static TheoryData<string, string?, string> Refused() => new()
    {
        { """[{"type":"EVENT_TYPE_HEARTBEAT"}]""", null, "$" },
        { "\"EVENT_TYPE_HEARTBEAT\"", null, "$" },
        { "42", null, "$" },
        { """{"id":"a","sequence":1,"payload":{"type":"EVENT_TYPE_HEARTBEAT"}}""", null, "$" },
        { """{"id":7,"sequence":1,"type":"EVENT_TYPE_HEARTBEAT"}""", "7", "$.id" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","sequence":1,"id":{"uuid":"a"}}""", "{\"uuid\"", "$.id" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","id":"a","sequence":"1"}""", "\"1\"", "$.sequence" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","id":"a","sequence":1.5}""", "1.5", "$.sequence" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","id":"a","sequence":true}""", "true", "$.sequence" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","id":"a","sequence":1e400}""", "1e400", "$.sequence" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","id":"a","sequence":9223372036854775808}""", "9223372036854775808", "$.sequence" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","id":"a","sequence":-9223372036854775809}""", "-9223372036854775809", "$.sequence" },
        { """{"id":"a","sequence":1,"type":5}""", "5", "$.type" },
        { """{"id":"a","sequence":1,"type":null}""", "null", "$.type" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void AFrameThatIsNotAnEventEnvelopeIsRefusedWithItsLocation(string frame, string? offendingToken, string path)
    {
        PolyChatJsonException error = Assert.Throws<PolyChatJsonException>(() => Peek(frame));

        Assert.Equal(path, error.Path);
        long expectedPosition = offendingToken is null ? 0 : frame.LastIndexOf(offendingToken, StringComparison.Ordinal);
        Assert.Equal(expectedPosition, error.BytePosition);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        Assert.Equal(0, error.LineNumber);
        Assert.Equal(expectedPosition, error.BytePositionInLine);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("""{"id":"a","sequence":1,""")]
    [InlineData("""{"type":"EVENT_TYPE_HEARTBEAT",,}""")]
    [InlineData("""{"sequence":01,"type":"EVENT_TYPE_HEARTBEAT"}""")]
    public void MalformedJsonBeforeTheEnvelopeIsCompleteIsRefused(string frame)
    {
        PolyChatJsonException error = Assert.Throws<PolyChatJsonException>(() => Peek(frame));

        Assert.NotNull(error.Path);
        Assert.InRange(error.BytePosition, 0, Encoding.UTF8.GetByteCount(frame));
    }

    [Fact]
    public void ErrorsOnLaterLinesCarryTheLineAndTheByteInLine()
    {
        const string Frame = "{\n  \"type\": \"EVENT_TYPE_HEARTBEAT\",\n  \"sequence\": \"six\"\n}";

        PolyChatJsonException error = Assert.Throws<PolyChatJsonException>(() => Peek(Frame));

        Assert.Equal(Frame.IndexOf("\"six\"", StringComparison.Ordinal), error.BytePosition);
        Assert.Equal("$.sequence", error.Path);
        Assert.Equal(2, error.LineNumber);
        Assert.Equal(14, error.BytePositionInLine);
    }

    [Fact]
    public void PeekingATypicalServerFrameAllocatesNothing()
    {
        const int Count = 10_000;
        byte[] frame = Encoding.UTF8.GetBytes(Echo);
        long checksum = 0;
        for (int i = 0; i < 200; i++)
        {
            checksum += PolyChatJson.PeekEnvelope(frame).Sequence ?? 0;
        }

        long allocated = AllocationMeter.Least(() =>
        {
            for (int i = 0; i < Count; i++)
            {
                checksum += PolyChatJson.PeekEnvelope(frame).Sequence ?? 0;
            }
        });

        output.WriteLine($"{Count:N0} peeks: {allocated} bytes allocated");
        Assert.Equal(0, allocated);
        Assert.Equal(((3 * Count) + 200) * 6L, checksum);
    }

    private static EventEnvelope Peek(string frame) => PolyChatJson.PeekEnvelope(Encoding.UTF8.GetBytes(frame));
}
