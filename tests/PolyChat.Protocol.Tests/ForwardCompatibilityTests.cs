using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Tests.Support;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// PROTOCOL.md: the reader is lenient (unknown types, unknown enum values, missing optional fields, extra
/// fields) and nothing it does not understand is lost when the event is written back.
/// </summary>
public sealed class ForwardCompatibilityTests
{
    [Fact]
    public void An_unknown_event_type_keeps_its_raw_type_payload_and_envelope()
    {
        const string frame = """
            {
              "id": "0190a3f3-0001-7000-8000-000000000001",
              "sequence": 31,
              "timestamp": "2026-05-20T09:21:00Z",
              "type": "EVENT_TYPE_SHOW_CSAT_REQUEST",
              "payload": { "question": "How did we do?", "scale": [1, 5], "labels": { "1": "Bad", "5": "Great" } },
              "metadata": { "custom": { "client_event_id": "csat-1" } },
              "trace_id": "7f3a"
            }
            """;

        var evt = PolyChatJson.Read(frame);

        var unknown = Assert.IsType<UnknownEvent>(evt);
        Assert.Equal("EVENT_TYPE_SHOW_CSAT_REQUEST", unknown.RawType);
        Assert.Equal("EVENT_TYPE_SHOW_CSAT_REQUEST", unknown.Type.Value);
        Assert.False(unknown.Type.IsKnown);
        Assert.NotNull(unknown.Payload);
        JsonSemantics.AssertEquivalent(
            """{ "question": "How did we do?", "scale": [1, 5], "labels": { "1": "Bad", "5": "Great" } }""",
            unknown.Payload.Value.GetRawText());
        Assert.Equal("0190a3f3-0001-7000-8000-000000000001", unknown.Id);
        Assert.Equal(31, unknown.Sequence);
        Assert.Equal(new DateTimeOffset(2026, 5, 20, 9, 21, 0, TimeSpan.Zero), unknown.Timestamp);
        Assert.Equal("csat-1", unknown.Metadata?.Custom?["client_event_id"]);
        Assert.Equal("7f3a", unknown.AdditionalProperties?["trace_id"].GetString());
        JsonSemantics.AssertEquivalent(frame, PolyChatJson.Write(evt));
    }

    [Fact]
    public void An_unknown_event_type_without_a_payload_is_written_without_one()
    {
        const string frame = """{"type":"EVENT_TYPE_USER_READ_MESSAGE","sequence":40}""";

        var unknown = Assert.IsType<UnknownEvent>(PolyChatJson.Read(frame));

        Assert.Null(unknown.Payload);
        var written = JsonNode.Parse(PolyChatJson.Write(unknown))!.AsObject();
        Assert.False(written.ContainsKey("payload"));
        JsonSemantics.AssertEquivalent(frame, written.ToJsonString());
    }

    [Fact]
    public void An_unknown_event_type_with_its_payload_before_its_type_keeps_the_payload()
    {
        const string frame = """{"payload":{"rating":4},"id":"e1","type":"EVENT_TYPE_CSAT_RESPONSE","sequence":41}""";

        var unknown = Assert.IsType<UnknownEvent>(PolyChatJson.Read(frame));

        Assert.Equal(4, unknown.Payload?.GetProperty("rating").GetInt32());
        JsonSemantics.AssertEquivalent(frame, PolyChatJson.Write(unknown));
    }

    [Fact]
    public void An_unknown_event_type_inside_a_batch_is_kept_beside_the_known_ones()
    {
        const string frame = """
            {"type":"EVENT_TYPE_EVENT_BATCH","payload":{"events":[
              {"id":"a","sequence":1,"timestamp":"2026-05-20T09:15:02Z","type":"EVENT_TYPE_SESSION_START","payload":{}},
              {"id":"b","sequence":2,"timestamp":"2026-05-20T09:15:03Z","type":"EVENT_TYPE_POLY_AGENT_READ_MESSAGE","payload":{"message_id":"m"}}
            ]}}
            """;

        var batch = Assert.IsType<EventBatchEvent>(PolyChatJson.Read(frame));

        Assert.IsType<SessionStartEvent>(batch.Payload.Events[0]);
        Assert.Equal("EVENT_TYPE_POLY_AGENT_READ_MESSAGE", Assert.IsType<UnknownEvent>(batch.Payload.Events[1]).RawType);
        JsonSemantics.AssertEquivalent(frame, PolyChatJson.Write(batch));
    }

    [Fact]
    public void An_unknown_payload_field_is_kept_and_written_back()
    {
        const string frame = """
            {"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"hi","message_id":"m1","sentiment":{"label":"positive","score":0.93},"tags":["a","b"]}}
            """;

        var evt = Assert.IsType<UserMessageEvent>(PolyChatJson.Read(frame));

        Assert.Equal("hi", evt.Payload.Text);
        Assert.Equal(new[] { "sentiment", "tags" }, evt.Payload.AdditionalProperties?.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0.93, evt.Payload.AdditionalProperties!["sentiment"].GetProperty("score").GetDouble());
        JsonSemantics.AssertEquivalent(frame, PolyChatJson.Write(evt));
    }

    [Fact]
    public void An_optional_url_that_does_not_parse_is_kept_as_received_and_written_back()
    {
        // A port out of range and a space in the host: System.Uri rejects both. The message still reads.
        const string frame = """
            {"id":"e1","sequence":3,"type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{"message_id":"m","text":"t",
             "avatar_url":"http://exa mple.com/a.png",
             "attachments":[{"content_url":"https://host:99999/x","content_type":"ATTACHMENT_CONTENT_TYPE_URL"}]}}
            """;

        var evt = Assert.IsType<PolyAgentMessageEvent>(PolyChatJson.Read(frame));

        Assert.Null(evt.Payload.AvatarUrl);
        Assert.Equal("http://exa mple.com/a.png", evt.Payload.AdditionalProperties?["avatar_url"].GetString());
        var attachment = Assert.Single(evt.Payload.Attachments!);
        Assert.Null(attachment.ContentUrl);
        Assert.Equal("https://host:99999/x", attachment.AdditionalProperties?["content_url"].GetString());
        JsonSemantics.AssertEquivalent(frame, PolyChatJson.Write(evt));
    }

    [Fact]
    public void An_unknown_envelope_field_is_kept_and_written_back()
    {
        const string frame = """
            {"id":"e2","sequence":9,"timestamp":"2026-05-20T09:15:44Z","type":"EVENT_TYPE_POLY_AGENT_THINKING","payload":{},
             "conversation_id":"conv_42","trace":{"span":"s-1","sampled":true}}
            """;

        var evt = Assert.IsType<PolyAgentThinkingEvent>(PolyChatJson.Read(frame));

        Assert.Equal("conv_42", evt.AdditionalProperties?["conversation_id"].GetString());
        Assert.True(evt.AdditionalProperties?["trace"].GetProperty("sampled").GetBoolean());
        JsonSemantics.AssertEquivalent(frame, PolyChatJson.Write(evt));
    }

    [Fact]
    public void Unknown_fields_in_nested_shapes_and_metadata_are_kept()
    {
        const string frame = """
            {"type":"EVENT_TYPE_POLY_AGENT_MESSAGE",
             "payload":{"message_id":"m","text":"t",
               "attachments":[{"title":"A","alt_text":"an image","content_type":"ATTACHMENT_CONTENT_TYPE_IMAGE"}],
               "response_suggestions":[{"message_text":"Yes","icon":"check"}]},
             "metadata":{"custom":{"client_event_id":"c1"},"origin":"widget"}}
            """;

        var evt = Assert.IsType<PolyAgentMessageEvent>(PolyChatJson.Read(frame));

        Assert.Equal("an image", evt.Payload.Attachments![0].AdditionalProperties?["alt_text"].GetString());
        Assert.Equal("check", evt.Payload.ResponseSuggestions![0].AdditionalProperties?["icon"].GetString());
        Assert.Equal("widget", evt.Metadata?.AdditionalProperties?["origin"].GetString());
        JsonSemantics.AssertEquivalent(frame, PolyChatJson.Write(evt));
    }

    public static TheoryData<string, string> UnknownEnumValues => new()
    {
        { """{"type":"EVENT_TYPE_USER_TYPING","payload":{"state":"TYPING_STATE_PAUSED"}}""", "TYPING_STATE_PAUSED" },
        { """{"type":"EVENT_TYPE_LIVE_AGENT_TYPING","sequence":null,"id":"x","payload":{"state":"TYPING_STATE_PAUSED","agent_id":"a"}}""", "TYPING_STATE_PAUSED" },
        { """{"type":"EVENT_TYPE_SESSION_END","payload":{"reason":"REASON_AGENT_TIMEOUT"}}""", "REASON_AGENT_TIMEOUT" },
        { """{"type":"EVENT_TYPE_SYSTEM_MESSAGE","payload":{"level":"SYSTEM_MESSAGE_LEVEL_DEBUG","message":"m"}}""", "SYSTEM_MESSAGE_LEVEL_DEBUG" },
        { """{"type":"EVENT_TYPE_CLIENT_HANDOFF_REQUIRED","payload":{"reason":"OUT_OF_HOURS"}}""", "OUT_OF_HOURS" },
        { """{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{"message_id":"m","text":"t","attachments":[{"content_type":"ATTACHMENT_CONTENT_TYPE_VIDEO"}]}}""", "ATTACHMENT_CONTENT_TYPE_VIDEO" },
        { """{"type":"EVENT_TYPE_USER_TYPING","payload":{"state":"typing_state_started"}}""", "typing_state_started" },
    };

    [Theory]
    [MemberData(nameof(UnknownEnumValues))]
    public void An_unknown_enum_value_reads_as_not_known_and_round_trips(string frame, string value)
    {
        var evt = PolyChatJson.Read(frame);

        Assert.Equal(new[] { value }, ModelWalker.UnknownEnumValues(evt).Select(v => v[(v.IndexOf(" = ", StringComparison.Ordinal) + 3)..]));
        JsonSemantics.AssertEquivalent(frame, PolyChatJson.Write(evt));
    }

    [Fact]
    public void An_unknown_typing_state_is_kept_verbatim_on_the_typed_payload()
    {
        var evt = Assert.IsType<UserTypingEvent>(PolyChatJson.Read("""{"type":"EVENT_TYPE_USER_TYPING","payload":{"state":"TYPING_STATE_PAUSED"}}"""));

        Assert.NotNull(evt.Payload.State);
        Assert.False(evt.Payload.State.Value.IsKnown);
        Assert.Equal("TYPING_STATE_PAUSED", evt.Payload.State.Value.Value);
        Assert.NotEqual(TypingState.Started, evt.Payload.State.Value);
        Assert.NotEqual(TypingState.Stopped, evt.Payload.State.Value);
    }

    [Fact]
    public void A_known_enum_value_spelled_with_escapes_is_still_known()
    {
        var evt = Assert.IsType<UserTypingEvent>(PolyChatJson.Read("""{"type":"EVENT_TYPE_USER_TYPING","payload":{"state":"TYPING_STATE_\u0053TOPPED"}}"""));

        Assert.Equal(TypingState.Stopped, evt.Payload.State);
        Assert.True(evt.Payload.State!.Value.IsKnown);
    }

    [Fact]
    public void Escaped_property_names_and_type_are_recognised()
    {
        var evt = Assert.IsType<UserMessageEvent>(PolyChatJson.Read("""{"\u0074ype":"EVENT_TYPE_USER_\u004dESSAGE","p\u0061yload":{"te\u0078t":"hi"}}"""));

        Assert.Equal("hi", evt.Payload.Text);
        Assert.Null(evt.Payload.AdditionalProperties);
    }

    [Fact]
    public void Missing_optional_fields_read_as_null_and_are_not_invented_on_write()
    {
        const string frame = """{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{"message_id":"msg_a_1","text":"Hello!"}}""";

        var evt = Assert.IsType<PolyAgentMessageEvent>(PolyChatJson.Read(frame));

        Assert.Null(evt.Id);
        Assert.Null(evt.Sequence);
        Assert.Null(evt.Timestamp);
        Assert.Null(evt.Metadata);
        Assert.Null(evt.Payload.Attachments);
        Assert.Null(evt.Payload.ResponseSuggestions);
        Assert.Null(evt.Payload.AgentName);
        Assert.Null(evt.Payload.AvatarUrl);
        Assert.Null(evt.Payload.ChatCallActions);
        Assert.Null(evt.Payload.EndConversation);

        // Strict output: exactly the keys that came in, no nulls or defaults for absent fields.
        var written = JsonNode.Parse(PolyChatJson.Write(evt))!.AsObject();
        Assert.Equal(new[] { "payload", "type" }, written.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "message_id", "text" }, written["payload"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_all_optional_payload_may_be_empty_and_stays_empty()
    {
        const string frame = """{"id":"q","sequence":17,"timestamp":"2026-05-20T09:17:05Z","type":"EVENT_TYPE_HANDOFF_QUEUE_STATUS","payload":{}}""";

        var evt = Assert.IsType<HandoffQueueStatusEvent>(PolyChatJson.Read(frame));

        Assert.Null(evt.Payload.QueueName);
        Assert.Null(evt.Payload.PositionInQueue);
        Assert.Null(evt.Payload.EstimatedWaitSeconds);
        Assert.Empty(JsonNode.Parse(PolyChatJson.Write(evt))!["payload"]!.AsObject());
    }

    [Fact]
    public void Explicit_nulls_for_optional_fields_read_as_absent()
    {
        const string frame = """{"type":"EVENT_TYPE_LIVE_AGENT_JOINED","payload":{"agent":null,"agent_id":null,"agent_name":"Sam","avatar_url":null},"metadata":null}""";

        var evt = Assert.IsType<LiveAgentJoinedEvent>(PolyChatJson.Read(frame));

        Assert.Null(evt.Payload.Agent);
        Assert.Null(evt.Payload.AgentId);
        Assert.Equal("Sam", evt.Payload.AgentName);
        Assert.Null(evt.Metadata);

        // Ours (schema/README.md, "Null and absent"): an optional payload field or metadata that is null is
        // written as absent, because the docs give those fields no null meaning.
        JsonSemantics.AssertEquivalent(
            """{"type":"EVENT_TYPE_LIVE_AGENT_JOINED","payload":{"agent_name":"Sam"}}""",
            PolyChatJson.Write(evt));
    }

    public static TheoryData<string> EventTypesWithoutRequiredPayloadFields()
    {
        var data = new TheoryData<string>();
        foreach (var evt in EventCatalogue.Events.Where(e => e.RequiredPayloadProperties.Count == 0))
        {
            data.Add(evt.WireType);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EventTypesWithoutRequiredPayloadFields))]
    public void A_frame_without_payload_reads_when_the_payload_has_no_required_fields(string wireType)
    {
        var expected = EventCatalogue.ByWireType(wireType);

        var evt = PolyChatJson.Read($$"""{"id":"p1","sequence":3,"timestamp":"2026-05-20T09:15:02Z","type":"{{wireType}}"}""");

        Assert.IsType(expected.ClrType, evt);
        var payload = evt.GetType().GetProperty("Payload")!.GetValue(evt);
        Assert.NotNull(payload);
        Assert.Empty(ModelWalker.NonEmptyAdditionalProperties(evt));
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(PolyChatJson.Write(evt)).RootElement.GetProperty("payload").ValueKind);
    }

    [Fact]
    public void A_heartbeat_echo_without_id_or_timestamp_reads_and_gains_nothing_on_write()
    {
        // PROTOCOL.md §1b: heartbeat frames may come with neither id nor timestamp [SDK].
        const string frame = """{"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""";

        var evt = Assert.IsType<HeartbeatEvent>(PolyChatJson.Read(frame));

        Assert.Null(evt.Id);
        Assert.Null(evt.Timestamp);
        Assert.Equal(new[] { "payload", "type" }, JsonNode.Parse(PolyChatJson.Write(evt))!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("EVENT_TYPE_LIVE_AGENT_TYPING.json")]
    [InlineData("example-server-live-agent-typing.json")]
    public void A_transient_event_with_null_sequence_round_trips_with_an_explicit_null(string frame)
    {
        var evt = PolyChatJson.Read(FrameFiles.Bytes(frame));

        Assert.Null(evt.Sequence);
        Assert.True(evt.IsTransient);
        var written = JsonDocument.Parse(PolyChatJson.Write(evt)).RootElement;
        Assert.True(written.TryGetProperty("sequence", out var sequence), "A server-stamped transient event must spell its sequence as null.");
        Assert.Equal(JsonValueKind.Null, sequence.ValueKind);
        JsonSemantics.AssertEquivalent(FrameFiles.Text(frame), written.GetRawText());
    }

    [Fact]
    public void An_unknown_event_is_transient_exactly_when_it_has_no_sequence()
    {
        Assert.True(PolyChatJson.Read("""{"id":"u","sequence":null,"type":"EVENT_TYPE_X","payload":{}}""").IsTransient);
        Assert.False(PolyChatJson.Read("""{"id":"u","sequence":7,"type":"EVENT_TYPE_X","payload":{}}""").IsTransient);
    }

    [Fact]
    public void A_batched_event_without_sequence_keeps_its_place_and_writes_sequence_as_null()
    {
        // PROTOCOL.md §1b: the SDK tests show a HEARTBEAT inside a batch with no sequence at all.
        const string frame = """
            {"type":"EVENT_TYPE_EVENT_BATCH","payload":{"events":[
              {"id":"h1","timestamp":"2026-05-20T09:15:30Z","type":"EVENT_TYPE_HEARTBEAT","payload":{}},
              {"id":"m1","sequence":5,"timestamp":"2026-05-20T09:15:31Z","type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"hi","message_id":"u1"}}
            ]}}
            """;

        var batch = Assert.IsType<EventBatchEvent>(PolyChatJson.Read(frame));

        Assert.Null(batch.Payload.Events[0].Sequence);
        Assert.Equal(5, batch.Payload.Events[1].Sequence);

        // §1b: a server event's sequence is "integer | null", so an event without one is written with an
        // explicit null, the form the docs show for transient events; the wrapper has none (its own envelope
        // fields are unconfirmed, §1b).
        JsonSemantics.AssertEquivalent(
            """
            {"type":"EVENT_TYPE_EVENT_BATCH","payload":{"events":[
              {"id":"h1","sequence":null,"timestamp":"2026-05-20T09:15:30Z","type":"EVENT_TYPE_HEARTBEAT","payload":{}},
              {"id":"m1","sequence":5,"timestamp":"2026-05-20T09:15:31Z","type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"hi","message_id":"u1"}}
            ]}}
            """,
            PolyChatJson.Write(batch));
    }

    [Theory]
    [InlineData("2026-05-20T09:15:02.123Z")]
    [InlineData("2026-05-20T11:15:02+02:00")]
    [InlineData("2026-05-20T04:15:02.5-05:00")]
    public void Timestamps_keep_their_instant_and_offset(string timestamp)
    {
        var evt = PolyChatJson.Read($$$"""{"id":"t","sequence":1,"timestamp":"{{{timestamp}}}","type":"EVENT_TYPE_HEARTBEAT","payload":{}}""");

        var expected = DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, evt.Timestamp);
        Assert.Equal(expected.Offset, evt.Timestamp!.Value.Offset);
        var written = JsonDocument.Parse(PolyChatJson.Write(evt)).RootElement.GetProperty("timestamp").GetString()!;
        var reread = DateTimeOffset.Parse(written, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, reread);
        Assert.Equal(expected.Offset, reread.Offset);
    }

    [Fact]
    public void A_UTC_timestamp_is_written_with_a_Z_suffix()
    {
        var evt = PolyChatJson.Read("""{"id":"t","sequence":1,"timestamp":"2026-05-20T09:15:02Z","type":"EVENT_TYPE_HEARTBEAT","payload":{}}""");

        Assert.Equal("2026-05-20T09:15:02Z", JsonDocument.Parse(PolyChatJson.Write(evt)).RootElement.GetProperty("timestamp").GetString());
    }
}
