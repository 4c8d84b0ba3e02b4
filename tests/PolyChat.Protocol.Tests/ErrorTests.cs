using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using PolyChat.Protocol.Tests.Support;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// Bad input fails with exactly <see cref="PolyChatJsonException"/>, located by JSON path, zero-based
/// line and byte-in-line, and absolute byte offset of the offending token; never with another exception type.
/// </summary>
public sealed class ErrorTests
{
    private const string BadUtf8 = "%BAD%";

    // ----- Not JSON at all -------------------------------------------------------------------------

    public static TheoryData<string, string> SyntaxErrors => new()
    {
        // frame, text that starts exactly at the offending byte
        { """{"type":"EVENT_TYPE_HEARTBEAT" "payload":{}}""", "\"payload\"" },
        { """{'type':'EVENT_TYPE_HEARTBEAT'}""", "'type'" },
        { """{type:"EVENT_TYPE_HEARTBEAT"}""", "type:" },
        { """{/*c*/"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""", "/*c*/" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","sequence":NaN,"payload":{}}""", "NaN" },
        { """{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"a\qb"}}""", "qb\"" },
        { "{\"type\":\"EVENT_TYPE_USER_MESSAGE\",\"payload\":{\"text\":\"a\u0001b\"}}", "\u0001" },
    };

    [Theory]
    [MemberData(nameof(SyntaxErrors))]
    public void Malformed_json_is_located_at_the_offending_byte(string frame, string offending)
    {
        var error = ReadFails(frame);

        AssertAt(error, frame, ByteIndexOf(frame, offending));
        Assert.StartsWith("$", error.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unterminated_frame_is_located_at_its_end()
    {
        const string frame = """{"type":"EVENT_TYPE_HEARTBEAT","payload":{}""";

        var error = ReadFails(frame);

        AssertAt(error, frame, frame.Length);
    }

    [Fact]
    public void An_unterminated_string_is_located_at_the_end_of_the_frame()
    {
        const string frame = """{"type":"EVENT_TYPE_HEAR""";

        var error = ReadFails(frame);

        AssertAt(error, frame, frame.Length);
        Assert.Equal("$.type", error.Path);
    }

    [Theory]
    [InlineData("""{"type":"EVENT_TYPE_HEARTBEAT","payload":{}} x""", "x")]
    [InlineData("""{"type":"EVENT_TYPE_HEARTBEAT","payload":{}}{"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""", """{"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""")]
    [InlineData("""{"type":"EVENT_TYPE_HEARTBEAT","payload":{}},""", ",")]
    [InlineData("""{"type":"EVENT_TYPE_HEARTBEAT","payload":{}}]""", "]")]
    [InlineData("{\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{}}\n\n  null", "null")]
    public void Trailing_content_after_the_event_is_rejected_where_it_starts(string frame, string trailing)
    {
        Assert.EndsWith(trailing, frame, StringComparison.Ordinal);

        var error = ReadFails(frame);

        AssertAt(error, frame, Encoding.UTF8.GetByteCount(frame) - Encoding.UTF8.GetByteCount(trailing));
        Assert.Equal("$", error.Path);
    }

    [Fact]
    public void Whitespace_after_the_event_is_allowed()
    {
        var evt = PolyChatJson.Read("{\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{}}\r\n \t\n");

        Assert.IsType<PolyChat.Protocol.Events.HeartbeatEvent>(evt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" \t ")]
    public void Empty_input_is_rejected_at_its_end(string frame)
    {
        var error = ReadFails(frame);

        AssertAt(error, frame, frame.Length);
        Assert.Equal("$", error.Path);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
    }

    [Fact]
    public void Empty_input_is_rejected_by_every_overload()
    {
        Assert.Equal(0, Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(ReadOnlySpan<byte>.Empty)).BytePosition);
        Assert.Equal(0, Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(ReadOnlySequence<byte>.Empty)).BytePosition);
        Assert.Equal(0, Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(string.Empty)).BytePosition);
    }

    [Fact]
    public void A_null_string_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => PolyChatJson.Read((string)null!));
    }

    [Theory]
    [InlineData("[1]", "array")]
    [InlineData("\"x\"", "string")]
    [InlineData("1", "number")]
    [InlineData("null", "null")]
    [InlineData("true", "boolean")]
    [InlineData("  [ ]", "array")]
    public void A_frame_that_is_not_an_object_is_rejected_at_its_first_token(string frame, string found)
    {
        var error = ReadFails(frame);

        AssertAt(error, frame, frame.Length - frame.TrimStart().Length);
        Assert.Equal("$", error.Path);
        Assert.Contains("object", error.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(found, error.Reason, StringComparison.OrdinalIgnoreCase);
    }

    // ----- Envelope --------------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"id":"a","payload":{}}""")]
    [InlineData("""{"payload":{"text":"hi"},"sequence":3}""")]
    [InlineData("""{}""")]
    public void A_frame_without_type_is_rejected_naming_type(string frame)
    {
        var error = ReadFails(frame);

        Assert.Contains("'type'", error.Reason, StringComparison.Ordinal);
        Assert.InRange(error.BytePosition, 0, frame.Length - 1);
    }

    [Theory]
    [InlineData("""{"id":"a","payload":{}}""")]
    [InlineData("""{"payload":{"text":"hi"},"sequence":3}""")]
    public void A_frame_without_type_is_located_at_the_root(string frame)
    {
        Assert.Equal("$", ReadFails(frame).Path);
    }

    [Theory]
    [InlineData("""{"type":5,"payload":{}}""", "5", "number")]
    [InlineData("""{"type":null,"payload":{}}""", "null", "null")]
    [InlineData("""{"type":{"name":"EVENT_TYPE_HEARTBEAT"},"payload":{}}""", "{\"name\"", "object")]
    [InlineData("""{"type":["EVENT_TYPE_HEARTBEAT"],"payload":{}}""", "[", "array")]
    [InlineData("""{"payload":{},"type":5}""", "5", "number")]
    public void A_type_that_is_not_a_string_is_rejected(string frame, string offending, string found)
    {
        var error = ReadFails(frame);

        AssertAt(error, frame, ByteIndexOf(frame, offending));
        Assert.Equal("$.type", error.Path);
        Assert.Contains("string", error.Reason, StringComparison.Ordinal);
        Assert.Contains(found, error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"EVENT_TYPE_HEARTBEAT","type":{"id":"forged"},"payload":{"x":1}}""", "{\"id\"")]
    [InlineData("""{"type":"EVENT_TYPE_HEARTBEAT","payload":{},"type":[1,2]}""", "[1,2]")]
    public void A_duplicate_type_that_is_not_a_string_is_rejected(string frame, string offending)
    {
        var error = ReadFails(frame);

        // Any second discriminator is rejected, located at its key: the frame is ambiguous whatever its value.
        Assert.Contains(offending, frame[frame.LastIndexOf("\"type\"", System.StringComparison.Ordinal)..]);
        AssertAt(error, frame, frame.LastIndexOf("\"type\"", System.StringComparison.Ordinal));
        Assert.Equal("$.type", error.Path);
    }

    public static TheoryData<string, string, string, string> WrongJsonTypes => new()
    {
        // frame, expected path, text starting at the offending token, word the reason must use
        { """{"id":5,"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""", "$.id", "5", "string" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","payload":{},"metadata":"x"}""", "$.metadata", "\"x\"", "object" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","payload":{},"metadata":{"custom":{"client_event_id":9}}}""", "$.metadata.custom.client_event_id", "9", "string" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","payload":{},"metadata":{"custom":["a"]}}""", "$.metadata.custom", "[\"a\"]", "object" },
        { """{"type":"EVENT_TYPE_USER_MESSAGE","payload":[]}""", "$.payload", "[]", "object" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","payload":"none"}""", "$.payload", "\"none\"", "object" },
        { """{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":42}}""", "$.payload.text", "42", "string" },
        { """{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":null}}""", "$.payload.text", "null", "string" },
        { """{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":["hi"]}}""", "$.payload.text", "[\"hi\"]", "string" },
        { """{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"hi","message_id":7}}""", "$.payload.message_id", "7", "string" },
        { """{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK","payload":{"message_id":"m","text":"","chunk_index":1,"is_complete":"yes"}}""", "$.payload.is_complete", "\"yes\"", "true or false" },
        { """{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK","payload":{"message_id":"m","text":"","chunk_index":1.5,"is_complete":true}}""", "$.payload.chunk_index", "1.5", "integer" },
        { """{"type":"EVENT_TYPE_SESSION_START","payload":{"capabilities":{"streaming":"true"}}}""", "$.payload.capabilities.streaming", "\"true\"", "true or false" },
        { """{"type":"EVENT_TYPE_SESSION_START","payload":{"capabilities":{"heartbeat_interval_seconds":"30"}}}""", "$.payload.capabilities.heartbeat_interval_seconds", "\"30\"", "integer" },
        { """{"type":"EVENT_TYPE_SESSION_START","payload":{"capabilities":true}}""", "$.payload.capabilities", "true", "object" },
        { """{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{"message_id":"m","text":"t","attachments":{}}}""", "$.payload.attachments", "{}", "array" },
        { """{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{"message_id":"m","text":"t","attachments":[{"title":"ok"},{"title":5}]}}""", "$.payload.attachments[1].title", "5", "string" },
        { """{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{"message_id":"m","text":"t","chat_call_actions":[{"title":"Call","contact_number":4420}]}}""", "$.payload.chat_call_actions[0].contact_number", "4420", "string" },
        { """{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{"message_id":"m","text":"t","end_conversation":1}}""", "$.payload.end_conversation", "1}", "true or false" },
        { """{"type":"EVENT_TYPE_USER_TYPING","payload":{"state":7}}""", "$.payload.state", "7", "string" },
        { """{"type":"EVENT_TYPE_LANGUAGE_CHANGED","payload":{"language_code":null}}""", "$.payload.language_code", "null", "string" },
        { """{"type":"EVENT_TYPE_SYSTEM_MESSAGE","payload":{"level":"SYSTEM_MESSAGE_LEVEL_INFO","message":{"en":"hi"}}}""", "$.payload.message", "{\"en\"", "string" },
        { """{"type":"EVENT_TYPE_LIVE_AGENT_JOINED","payload":{"agent":{"id":"a","name":3}}}""", "$.payload.agent.name", "3", "string" },
        { """{"type":"EVENT_TYPE_HANDOFF_QUEUE_STATUS","payload":{"position_in_queue":"2"}}""", "$.payload.position_in_queue", "\"2\"", "integer" },
        { """{"type":"EVENT_TYPE_EVENT_BATCH","payload":{"events":{"type":"x"}}}""", "$.payload.events", "{\"type\":\"x\"}", "array" },
        { """{"type":"EVENT_TYPE_EVENT_BATCH","payload":{"events":[{"type":"EVENT_TYPE_HEARTBEAT","payload":{}},{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":false}}]}}""", "$.payload.events[1].payload.text", "false", "string" },
    };

    [Theory]
    [MemberData(nameof(WrongJsonTypes))]
    public void A_field_of_the_wrong_json_type_is_located_by_path_and_byte(string frame, string path, string offending, string expectation)
    {
        var error = ReadFails(frame);

        Assert.Equal(path, error.Path);
        AssertAt(error, frame, ByteIndexOf(frame, offending));
        Assert.Contains(expectation, error.Reason, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"EVENT_TYPE_EVENT_BATCH","payload":{"events":[{"type":"EVENT_TYPE_HEARTBEAT"},5]}}""", "$.payload.events[1]")]
    [InlineData("""{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{"message_id":"m","text":"t","attachments":[null]}}""", "$.payload.attachments[0]")]
    [InlineData("""{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{"message_id":"m","text":"t","response_suggestions":["Yes"]}}""", "$.payload.response_suggestions[0]")]
    public void An_array_element_of_the_wrong_json_type_is_located_by_its_index(string frame, string path)
    {
        Assert.Equal(path, ReadFails(frame).Path);
    }

    [Theory]
    [InlineData("\"5\"")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("true")]
    [InlineData("{\"n\":1}")]
    public void A_sequence_that_is_not_a_64_bit_integer_is_rejected(string sequence)
    {
        var frame = $$$"""{"id":"s","sequence":{{{sequence}}},"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""";

        var error = ReadFails(frame);

        Assert.Equal("$.sequence", error.Path);
        AssertAt(error, frame, ByteIndexOf(frame, sequence));
        Assert.Contains("integer", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("0")]
    public void A_sequence_at_the_edge_of_the_range_is_accepted(string sequence)
    {
        var evt = PolyChatJson.Read($$$"""{"id":"s","sequence":{{{sequence}}},"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""");

        Assert.Equal(long.Parse(sequence, CultureInfo.InvariantCulture), evt.Sequence);
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("\"\"")]
    [InlineData("\"2026-13-45T00:00:00Z\"")]
    [InlineData("\"2026-05-20T25:00:00Z\"")]
    [InlineData("12345")]
    [InlineData("[]")]
    public void An_invalid_timestamp_is_rejected(string timestamp)
    {
        var frame = $$$"""{"id":"s","sequence":1,"timestamp":{{{timestamp}}},"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""";

        var error = ReadFails(frame);

        Assert.Equal("$.timestamp", error.Path);
        AssertAt(error, frame, ByteIndexOf(frame, timestamp));
        Assert.Contains("date-time", error.Reason, StringComparison.Ordinal);
    }

    // ----- Required properties ---------------------------------------------------------------------

    public static TheoryData<string> EventTypesWithRequiredPayloadFields()
    {
        var data = new TheoryData<string>();
        foreach (var evt in EventCatalogue.Events.Where(e => e.RequiredPayloadProperties.Count > 0))
        {
            data.Add(evt.WireType);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EventTypesWithRequiredPayloadFields))]
    public void An_empty_payload_missing_a_required_property_is_rejected_at_the_payload(string wireType)
    {
        var required = EventCatalogue.ByWireType(wireType).RequiredPayloadProperties;
        var frame = $$$"""{"id":"r","sequence":2,"type":"{{{wireType}}}","payload":{}}""";

        var error = ReadFails(frame);

        Assert.Equal("$.payload", error.Path);
        var payloadStart = ByteIndexOf(frame, "{}");
        Assert.InRange(error.BytePosition, payloadStart, payloadStart + 1);
        Assert.Contains(required, name => error.Reason.Contains($"'{name}'", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(EventTypesWithRequiredPayloadFields))]
    public void A_frame_without_payload_is_rejected_when_the_payload_has_required_fields(string wireType)
    {
        var frame = $$$"""{"type":"{{{wireType}}}"}""";

        var error = ReadFails(frame);

        Assert.Contains("'payload'", error.Reason, StringComparison.Ordinal);
        Assert.InRange(error.BytePosition, 0, frame.Length - 1);
    }

    [Fact]
    public void A_missing_required_text_in_a_user_message_names_text()
    {
        const string frame = """{"type":"EVENT_TYPE_USER_MESSAGE","payload":{}}""";

        var error = ReadFails(frame);

        Assert.Equal("$.payload", error.Path);
        Assert.Contains("'text'", error.Reason, StringComparison.Ordinal);
        Assert.Contains("$.payload", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"message_id":"m"}}""", "$.payload")]
    [InlineData("""{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK","payload":{"message_id":"m","text":"t"}}""", "$.payload")]
    [InlineData("""{"type":"EVENT_TYPE_USER_MESSAGE","id":"x"}""", "$")]
    [InlineData("""{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{"message_id":"m","text":"t","response_suggestions":[{"message_text":"a"},{"payload":"p"}]}}""", "$.payload.response_suggestions[1]")]
    public void A_missing_required_property_is_located_at_the_object_that_lacks_it(string frame, string path)
    {
        Assert.Equal(path, ReadFails(frame).Path);
    }

    // ----- Invalid UTF-8 ---------------------------------------------------------------------------

    public static TheoryData<string, string, string> InvalidUtf8InDeclaredStrings => new()
    {
        // frame with %BAD% where the invalid bytes go, expected path, text starting at the string token
        { """{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"caf%BAD%"}}""", "$.payload.text", "\"caf" },
        { """{"type":"EVENT_TYPE_%BAD%","payload":{}}""", "$.type", "\"EVENT_TYPE_" },
        { """{"id":"%BAD%","type":"EVENT_TYPE_HEARTBEAT","payload":{}}""", "$.id", "\"%BAD%\"" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","payload":{},"metadata":{"custom":{"k":"v%BAD%"}}}""", "$.metadata.custom.k", "\"v" },
        { """{"type":"EVENT_TYPE_USER_TYPING","payload":{"state":"TYPING_%BAD%"}}""", "$.payload.state", "\"TYPING_" },
        { """{"type":"EVENT_TYPE_POLY_AGENT_JOINED","payload":{"agent_avatar_url":"https://cdn.example.org/%BAD%.png"}}""", "$.payload.agent_avatar_url", "\"https" },
        { """{"type":"EVENT_TYPE_HEARTBEAT","payload":{"k%BAD%":1}}""", "$.payload", "\"k" },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8InDeclaredStrings))]
    public void Invalid_utf8_inside_a_string_is_rejected_at_that_string(string template, string path, string tokenStart)
    {
        var frame = WithInvalidUtf8(template);

        var error = Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(frame));

        Assert.Equal(path, error.Path);
        Assert.Equal(ByteIndexOf(template, tokenStart), error.BytePosition);
        Assert.Equal(0, error.LineNumber);
        Assert.Equal(error.BytePosition, error.BytePositionInLine);
        Assert.Contains("UTF-8", error.Reason, StringComparison.Ordinal);

        var segmented = Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(Segments.OneBytePerSegment(frame)));
        Assert.Equal((error.Path, error.BytePosition), (segmented.Path, segmented.BytePosition));
    }

    [Theory]
    [InlineData("""{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"ab","extra":"a%BAD%b"}}""", "$.payload.extra")]
    [InlineData("""{"type":"EVENT_TYPE_HEARTBEAT","payload":{},"trace":"%BAD%"}""", "$.trace")]
    [InlineData("""{"type":"EVENT_TYPE_SHOW_CSAT_REQUEST","payload":{"question":"How %BAD%?"}}""", "$.payload.question")]
    public void Invalid_utf8_in_an_undeclared_string_is_rejected(string template, string path)
    {
        var error = Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(WithInvalidUtf8(template)));

        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void An_error_met_while_looking_ahead_for_the_type_is_located_the_same_in_segmented_input()
    {
        var frame = WithInvalidUtf8("""{"payload":{},"m%BAD%tadata":{},"type":"EVENT_TYPE_HEARTBEAT"}""");
        var contiguous = Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(frame));
        Assert.Equal(ByteIndexOf("""{"payload":{},"m%BAD%tadata":{},"type":"EVENT_TYPE_HEARTBEAT"}""", "\"m%BAD%"), contiguous.BytePosition);

        var inThree = Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(Segments.InThree(frame)));
        var byByte = Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(Segments.OneBytePerSegment(frame)));

        Assert.Equal(contiguous.BytePosition, inThree.BytePosition);
        Assert.Equal(contiguous.BytePosition, byByte.BytePosition);
    }

    [Fact]
    public void An_escaped_lone_surrogate_is_rejected_at_its_string()
    {
        const string frame = """{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"\ud800"}}""";

        var error = ReadFails(frame);

        Assert.Equal("$.payload.text", error.Path);
        AssertAt(error, frame, ByteIndexOf(frame, "\"\\ud800\""));
    }

    // ----- Depth -----------------------------------------------------------------------------------

    [Fact]
    public void A_frame_nested_exactly_MaxDepth_deep_is_read_and_written_back()
    {
        var frame = NestedUnknownPayload(PolyChatJson.MaxDepth);

        var evt = PolyChatJson.Read(frame);

        JsonSemantics.AssertEquivalent(frame, PolyChatJson.Write(evt));
    }

    [Fact]
    public void A_frame_nested_deeper_than_MaxDepth_is_rejected_at_the_first_container_too_deep()
    {
        var frame = NestedUnknownPayload(PolyChatJson.MaxDepth + 1);

        var error = ReadFails(frame);

        // The root object is level 1, so the (MaxDepth - 1)th '[' of the payload is level MaxDepth + 1.
        var tooDeep = IndexOfNth(frame, '[', PolyChatJson.MaxDepth);
        AssertAt(error, frame, tooDeep);
        Assert.StartsWith("$.payload", error.Path, StringComparison.Ordinal);
        Assert.Contains(PolyChatJson.MaxDepth.ToString(CultureInfo.InvariantCulture), error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_inside_a_known_payload_is_rejected_too()
    {
        // root(1) > payload(2) > extra(3) > ... : MaxDepth - 1 nested objects under payload reach MaxDepth + 1.
        var depth = PolyChatJson.MaxDepth - 1;
        var frame = """{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"t","extra":"""
            + string.Concat(Enumerable.Repeat("""{"a":""", depth)) + "1" + new string('}', depth) + "}}";

        var error = ReadFails(frame);

        AssertAt(error, frame, IndexOfNth(frame, '{', PolyChatJson.MaxDepth + 1) );
        Assert.StartsWith("$.payload.extra", error.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Pathologically_deep_input_fails_cleanly()
    {
        var frame = """{"type":"EVENT_TYPE_X","payload":""" + new string('[', 100_000);

        var error = ReadFails(frame);

        Assert.Contains(PolyChatJson.MaxDepth.ToString(CultureInfo.InvariantCulture), error.Reason, StringComparison.Ordinal);
    }

    // ----- Lines and columns -----------------------------------------------------------------------

    [Fact]
    public void An_error_on_the_third_line_reports_zero_based_line_and_byte_in_line()
    {
        const string frame =
            "{\"id\": \"x\", \"sequence\": 5,\n" +         // line 0: 27 bytes with the newline
            "\"type\": \"EVENT_TYPE_USER_MESSAGE\",\n" +   // line 1: 35 bytes with the newline
            "\"payload\": {\"text\": 42}}";                // line 2: 42 starts at byte 20

        var error = ReadFails(frame);

        Assert.Equal("$.payload.text", error.Path);
        Assert.Equal(2, error.LineNumber);
        Assert.Equal(20, error.BytePositionInLine);
        Assert.Equal(27 + 35 + 20, error.BytePosition);
    }

    [Fact]
    public void Crlf_line_endings_count_as_one_line_break_each()
    {
        const string frame =
            "{\"id\": \"x\", \"sequence\": 5,\r\n" +
            "\"type\": \"EVENT_TYPE_USER_MESSAGE\",\r\n" +
            "\"payload\": {\"text\": 42}}";

        var error = ReadFails(frame);

        Assert.Equal(2, error.LineNumber);
        Assert.Equal(20, error.BytePositionInLine);
        Assert.Equal(28 + 36 + 20, error.BytePosition);
    }

    [Fact]
    public void Positions_count_utf8_bytes_not_characters()
    {
        // "café" is 6 characters but 7 bytes, so 42 sits at character 36 and byte 37 of its line.
        const string frame =
            "{\"type\": \"EVENT_TYPE_USER_MESSAGE\",\n" +
            "\"payload\": {\"note\": \"café\", \"text\": 42}}";

        var error = ReadFails(frame);

        Assert.Equal("$.payload.text", error.Path);
        Assert.Equal(1, error.LineNumber);
        Assert.Equal(37, error.BytePositionInLine);
        Assert.Equal(36 + 37, error.BytePosition);
    }

    public static TheoryData<string> AssortedBadFrames => new()
    {
        """{"type":"EVENT_TYPE_HEARTBEAT" "payload":{}}""",
        """{"type":"EVENT_TYPE_HEARTBEAT","payload":{}} x""",
        "{\"id\": \"x\",\n\"type\": \"EVENT_TYPE_USER_MESSAGE\",\n\"payload\": {\"text\": 42}}",
        """{"type":"EVENT_TYPE_USER_MESSAGE","payload":{}}""",
        """{"payload":{},"type":5}""",
        """{"type":"EVENT_TYPE_EVENT_BATCH","payload":{"events":[{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"é","message_id":1}}]}}""",
        """{"type":"EVENT_TYPE_SESSION_START","payload":{"capabilities":{"streaming":"yes"}}}""",
        """{"type":"EVENT_TYPE_HEARTBEAT","sequence":1.5}""",
        """[]""",
        """{"type":"EVENT_TYPE_HEARTBEAT","payload":{}""",
    };

    [Theory]
    [MemberData(nameof(AssortedBadFrames))]
    public void Every_read_overload_reports_the_same_location(string frame)
    {
        var bytes = Encoding.UTF8.GetBytes(frame);
        var expected = Describe(Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(bytes)));

        Assert.Equal(expected, Describe(Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(frame))));
        Assert.Equal(expected, Describe(Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(Segments.InThree(bytes)))));
        Assert.Equal(expected, Describe(Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(Segments.OneBytePerSegment(bytes)))));
    }

    [Theory]
    [MemberData(nameof(AssortedBadFrames))]
    public void The_message_states_the_reason_and_where(string frame)
    {
        var error = ReadFails(frame);

        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        Assert.StartsWith(error.Reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(error.Path!, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber:", error.Message, StringComparison.Ordinal);
    }

    // ----- helpers ---------------------------------------------------------------------------------

    private static PolyChatJsonException ReadFails(string frame) =>
        Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(Encoding.UTF8.GetBytes(frame)));

    private static void AssertAt(PolyChatJsonException error, string frame, long bytePosition)
    {
        var before = Encoding.UTF8.GetBytes(frame)[..(int)bytePosition];
        var line = before.Count(b => b == (byte)'\n');
        var lineStart = Array.LastIndexOf(before, (byte)'\n') + 1;

        Assert.Equal(bytePosition, error.BytePosition);
        Assert.Equal(line, error.LineNumber);
        Assert.Equal(bytePosition - lineStart, error.BytePositionInLine);
    }

    private static int ByteIndexOf(string frame, string text, int occurrence = 0)
    {
        var index = -1;
        for (var i = 0; i <= occurrence; i++)
        {
            index = frame.IndexOf(text, index + 1, StringComparison.Ordinal);
            Assert.True(index >= 0, $"Test data: '{text}' occurs fewer than {occurrence + 1} times in {frame}.");
        }

        if (occurrence == 0)
        {
            Assert.True(index == frame.LastIndexOf(text, StringComparison.Ordinal), $"Test data: '{text}' is ambiguous in {frame}.");
        }

        return Encoding.UTF8.GetByteCount(frame.AsSpan(0, index));
    }

    private static int IndexOfNth(string frame, char c, int n)
    {
        var index = -1;
        for (var i = 0; i < n; i++)
        {
            index = frame.IndexOf(c, index + 1);
        }

        return index;
    }

    private static string NestedUnknownPayload(int totalDepth) =>
        """{"type":"EVENT_TYPE_X","payload":""" + new string('[', totalDepth - 1) + new string(']', totalDepth - 1) + "}";

    private static byte[] WithInvalidUtf8(string template)
    {
        var at = template.IndexOf(BadUtf8, StringComparison.Ordinal);
        Assert.True(at >= 0);

        // 0xC3 starts a two-byte sequence; 0x28 '(' cannot continue it; 0xFF never occurs in UTF-8.
        return Encoding.UTF8.GetBytes(template[..at])
            .Concat(new byte[] { 0xC3, 0x28, 0xFF })
            .Concat(Encoding.UTF8.GetBytes(template[(at + BadUtf8.Length)..]))
            .ToArray();
    }

    private static (string? Path, long Position, long? Line, long? Column, string Reason) Describe(PolyChatJsonException error) =>
        (error.Path, error.BytePosition, error.LineNumber, error.BytePositionInLine, error.Reason);
}
