using System;
using System.Linq;
using System.Text;
using System.Text.Json;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Tests.Support;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// <see cref="PolyChatJsonContext"/> plugs the generated converters into <see cref="JsonSerializer"/>,
/// and must agree with <see cref="PolyChatJson"/> on every frame.
/// </summary>
public sealed class ContextTests
{
    private static readonly JsonSerializerOptions ResolverOptions = new() { TypeInfoResolver = PolyChatJsonContext.Default };

    [Theory]
    [MemberData(nameof(FrameFiles.All), MemberType = typeof(FrameFiles))]
    public void Serializing_with_the_Event_type_info_matches_PolyChatJson(string frame)
    {
        var evt = PolyChatJson.Read(FrameFiles.Bytes(frame));

        var json = JsonSerializer.Serialize(evt, PolyChatJsonContext.Default.Event);

        // The serializer's default encoder escapes more characters, so compare meaning, not text.
        JsonSemantics.AssertEquivalent(PolyChatJson.Write(evt), json);
        JsonSemantics.AssertEquivalent(FrameFiles.Text(frame), json);
    }

    [Theory]
    [MemberData(nameof(FrameFiles.All), MemberType = typeof(FrameFiles))]
    public void Deserializing_with_the_Event_type_info_matches_PolyChatJson(string frame)
    {
        var expected = PolyChatJson.Read(FrameFiles.Bytes(frame));

        var fromText = JsonSerializer.Deserialize(FrameFiles.Text(frame), PolyChatJsonContext.Default.Event);
        var fromBytes = JsonSerializer.Deserialize(FrameFiles.Bytes(frame), PolyChatJsonContext.Default.Event);

        Assert.NotNull(fromText);
        Assert.IsType(expected.GetType(), fromText);
        Assert.Equal(PolyChatJson.Write(expected), PolyChatJson.Write(fromText));
        Assert.Equal(PolyChatJson.Write(expected), PolyChatJson.Write(fromBytes!));
    }

    [Theory]
    [MemberData(nameof(FrameFiles.All), MemberType = typeof(FrameFiles))]
    public void Options_with_the_context_as_resolver_serialize_and_deserialize_events(string frame)
    {
        var evt = PolyChatJson.Read(FrameFiles.Bytes(frame));

        var json = JsonSerializer.Serialize<Event>(evt, ResolverOptions);
        var back = JsonSerializer.Deserialize<Event>(json, ResolverOptions);

        JsonSemantics.AssertEquivalent(FrameFiles.Text(frame), json);
        Assert.NotNull(back);
        Assert.Equal(PolyChatJson.Write(evt), PolyChatJson.Write(back));
    }

    [Theory]
    [MemberData(nameof(FrameFiles.All), MemberType = typeof(FrameFiles))]
    public void The_type_info_of_an_events_own_record_reads_and_writes_it(string frame)
    {
        var evt = PolyChatJson.Read(FrameFiles.Bytes(frame));
        var typeInfo = PolyChatJsonContext.Default.GetTypeInfo(evt.GetType());
        Assert.NotNull(typeInfo);

        var read = JsonSerializer.Deserialize(FrameFiles.Text(frame), typeInfo);
        var written = JsonSerializer.Serialize(evt, typeInfo);

        Assert.IsType(evt.GetType(), read);
        JsonSemantics.AssertEquivalent(FrameFiles.Text(frame), written);
    }

    [Theory]
    [MemberData(nameof(FrameFiles.Server), MemberType = typeof(FrameFiles))]
    public void The_type_info_of_another_event_record_rejects_the_frame_with_a_JsonException(string frame)
    {
        var own = EventCatalogue.ByWireType(FrameFiles.WireType(frame));
        var others = EventCatalogue.Events.Where(e => e != own).Select(e => e.ClrType).Append(typeof(UnknownEvent));

        foreach (var other in others)
        {
            var typeInfo = PolyChatJsonContext.Default.GetTypeInfo(other)!;

            var error = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(FrameFiles.Text(frame), typeInfo));

            Assert.Contains(other.Name, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_UserMessageEvent_type_info_reads_a_user_message_and_rejects_a_heartbeat()
    {
        var message = JsonSerializer.Deserialize(FrameFiles.Text("EVENT_TYPE_USER_MESSAGE.json"), PolyChatJsonContext.Default.UserMessageEvent);

        Assert.NotNull(message);
        Assert.Equal("msg_u_7f3k2", message.Payload.MessageId);
        var error = Assert.ThrowsAny<JsonException>(
            () => JsonSerializer.Deserialize(FrameFiles.Text("EVENT_TYPE_HEARTBEAT.json"), PolyChatJsonContext.Default.UserMessageEvent));
        Assert.Contains("EVENT_TYPE_HEARTBEAT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_UnknownEvent_type_info_reads_an_unknown_type()
    {
        var evt = JsonSerializer.Deserialize("""{"type":"EVENT_TYPE_SHOW_CSAT_REQUEST","payload":{"q":1}}""", PolyChatJsonContext.Default.UnknownEvent);

        Assert.NotNull(evt);
        Assert.Equal("EVENT_TYPE_SHOW_CSAT_REQUEST", evt.RawType);
    }

    [Fact]
    public void Options_resolve_a_concrete_event_record()
    {
        var evt = JsonSerializer.Deserialize<UserMessageEvent>(FrameFiles.Text("EVENT_TYPE_USER_MESSAGE.json"), ResolverOptions);

        Assert.NotNull(evt);
        JsonSemantics.AssertEquivalent(FrameFiles.Text("EVENT_TYPE_USER_MESSAGE.json"), JsonSerializer.Serialize(evt, ResolverOptions));
    }

    [Fact]
    public void A_context_with_indented_options_writes_indented_equivalent_json()
    {
        var context = new PolyChatJsonContext(new JsonSerializerOptions { WriteIndented = true });
        var evt = PolyChatJson.Read(FrameFiles.Bytes("EVENT_TYPE_POLY_AGENT_MESSAGE.json"));

        var json = JsonSerializer.Serialize(evt, context.Event);

        Assert.Contains('\n', json);
        JsonSemantics.AssertEquivalent(FrameFiles.Text("EVENT_TYPE_POLY_AGENT_MESSAGE.json"), json);
    }

    [Fact]
    public void Bad_input_through_the_serializer_is_a_JsonException()
    {
        var badType = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize("""{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":5}}""", PolyChatJsonContext.Default.Event));
        Assert.Contains("'text'", badType.Message, StringComparison.Ordinal);

        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize("""{"type":"EVENT_TYPE_USER_MESSAGE","payload":{}}""", PolyChatJsonContext.Default.Event));
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize("""{"payload":{}}""", PolyChatJsonContext.Default.Event));
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize("""[1]""", PolyChatJsonContext.Default.Event));
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize("""{"type":"EVENT_TYPE_HEARTBEAT","payload":{}} x""", PolyChatJsonContext.Default.Event));
        var invalidUtf8 = Encoding.UTF8.GetBytes("""{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"a?b"}}""");
        invalidUtf8[Array.IndexOf(invalidUtf8, (byte)'?')] = 0xFF;
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(invalidUtf8, PolyChatJsonContext.Default.Event));
    }

    [Theory]
    [InlineData("\"TYPING_STATE_STARTED\"", "TYPING_STATE_STARTED", true)]
    [InlineData("\"TYPING_STATE_STOPPED\"", "TYPING_STATE_STOPPED", true)]
    [InlineData("\"TYPING_STATE_PAUSED\"", "TYPING_STATE_PAUSED", false)]
    public void The_enum_type_info_reads_and_writes_wire_values(string json, string value, bool known)
    {
        var state = JsonSerializer.Deserialize(json, PolyChatJsonContext.Default.TypingState);

        Assert.Equal(value, state.Value);
        Assert.Equal(known, state.IsKnown);
        Assert.Equal(json, JsonSerializer.Serialize(state, PolyChatJsonContext.Default.TypingState));
    }

    [Fact]
    public void Enum_type_infos_cover_every_open_enum_and_reject_non_strings()
    {
        Assert.Equal("\"REASON_NATURAL_END\"", JsonSerializer.Serialize(SessionEndReason.NaturalEnd, PolyChatJsonContext.Default.SessionEndReason));
        Assert.Equal("\"SYSTEM_MESSAGE_LEVEL_WARNING\"", JsonSerializer.Serialize(SystemMessageLevel.Warning, PolyChatJsonContext.Default.SystemMessageLevel));
        Assert.Equal("\"ATTACHMENT_CONTENT_TYPE_IMAGE\"", JsonSerializer.Serialize(AttachmentContentType.Image, PolyChatJsonContext.Default.AttachmentContentType));
        Assert.Equal("\"POLICY\"", JsonSerializer.Serialize(ClientHandoffReason.Policy, PolyChatJsonContext.Default.ClientHandoffReason));
        Assert.Equal("\"EVENT_TYPE_USER_TYPING\"", JsonSerializer.Serialize(EventType.UserTyping, PolyChatJsonContext.Default.EventType));
        Assert.Equal(EventType.SessionStart, JsonSerializer.Deserialize("\"EVENT_TYPE_SESSION_START\"", PolyChatJsonContext.Default.EventType));
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize("5", PolyChatJsonContext.Default.TypingState));
    }

    [Fact]
    public void A_shape_type_info_reads_and_writes_the_shape_alone()
    {
        const string json = """{"message_text":"Yes, update it","payload":"confirm","icon":"check"}""";

        var suggestion = JsonSerializer.Deserialize(json, PolyChatJsonContext.Default.ResponseSuggestion);

        Assert.NotNull(suggestion);
        Assert.Equal("Yes, update it", suggestion.MessageText);
        Assert.Equal("confirm", suggestion.Payload);
        Assert.Equal("check", suggestion.AdditionalProperties?["icon"].GetString());
        JsonSemantics.AssertEquivalent(json, JsonSerializer.Serialize(suggestion, PolyChatJsonContext.Default.ResponseSuggestion));
    }

    [Fact]
    public void Shapes_built_in_code_serialize_with_their_wire_names()
    {
        var attachment = new Attachment
        {
            Title = "Manage your order",
            PreviewImageUrl = new Uri("https://cdn.example.org/img/order-thumb.png"),
            ContentUrl = new Uri("https://shop.example.org/orders"),
            ContentType = AttachmentContentType.Url,
            CallToActionText = "Open orders",
        };
        var capabilities = new Capabilities { Streaming = true, MaxMessageSizeBytes = 131072, MaxReconnectAttempts = 5, HeartbeatIntervalSeconds = 30 };

        JsonSemantics.AssertEquivalent(
            """
            {"title":"Manage your order","preview_image_url":"https://cdn.example.org/img/order-thumb.png",
             "content_url":"https://shop.example.org/orders","content_type":"ATTACHMENT_CONTENT_TYPE_URL","call_to_action_text":"Open orders"}
            """,
            JsonSerializer.Serialize(attachment, PolyChatJsonContext.Default.Attachment));
        JsonSemantics.AssertEquivalent(
            """{"streaming":true,"max_message_size_bytes":131072,"max_reconnect_attempts":5,"heartbeat_interval_seconds":30}""",
            JsonSerializer.Serialize(capabilities, PolyChatJsonContext.Default.Capabilities));
    }

    [Fact]
    public void A_payload_type_info_enforces_required_properties()
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize("""{"message_id":"m"}""", PolyChatJsonContext.Default.UserMessagePayload));

        Assert.Contains("'text'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_generated_event_record_has_a_type_info()
    {
        var missing = EventCatalogue.Events
            .Select(e => e.ClrType)
            .Append(typeof(Event))
            .Append(typeof(UnknownEvent))
            .Where(t => PolyChatJsonContext.Default.GetTypeInfo(t) is null);

        Assert.Empty(missing);
    }

    [Fact]
    public void The_context_does_not_fall_back_to_reflection_for_types_it_does_not_know()
    {
        Assert.Null(PolyChatJsonContext.Default.GetTypeInfo(typeof(DateTime)));
        Assert.ThrowsAny<NotSupportedException>(() => JsonSerializer.Serialize(new Uri("https://example.org"), ResolverOptions));
    }
}
