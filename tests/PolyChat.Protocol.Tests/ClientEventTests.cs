using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Tests.Support;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// PROTOCOL.md §1a: a client frame has <c>type</c>, <c>payload</c> (always an object) and optionally
/// <c>metadata</c>; never <c>id</c>, <c>sequence</c> or <c>timestamp</c>, which the server assigns.
/// </summary>
public sealed class ClientEventTests
{
    private static readonly string[] ClientKeys = { "type", "payload", "metadata" };

    public static TheoryData<string> ServerFramesOfClientSendableTypes()
    {
        var data = new TheoryData<string>();
        foreach (var evt in EventCatalogue.Events.Where(e => e.IsClientSendable))
        {
            data.Add($"{evt.WireType}.json");
        }

        return data;
    }

    public static TheoryData<string> ServerFramesOfServerOnlyTypes()
    {
        var data = new TheoryData<string>();
        foreach (var evt in EventCatalogue.Events.Where(e => !e.IsClientSendable))
        {
            data.Add($"{evt.WireType}.json");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ServerFramesOfClientSendableTypes))]
    public void A_client_event_is_written_without_the_server_assigned_envelope(string frame)
    {
        var evt = PolyChatJson.Read(FrameFiles.Bytes(frame));
        Assert.NotNull(evt.Id);
        Assert.NotNull(evt.Timestamp);

        var written = JsonNode.Parse(PolyChatJson.WriteClientEvent(evt))!.AsObject();

        Assert.All(written.Select(p => p.Key), key => Assert.Contains(key, ClientKeys));
        Assert.Equal(JsonValueKind.Object, written["payload"]!.GetValueKind());
        var expected = JsonNode.Parse(FrameFiles.Text(frame))!.AsObject();
        expected.Remove("id");
        expected.Remove("sequence");
        expected.Remove("timestamp");
        JsonSemantics.AssertEquivalent(expected.ToJsonString(), written.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(FrameFiles.Client), MemberType = typeof(FrameFiles))]
    public void A_client_form_frame_reads_without_envelope_and_writes_back_as_a_client_event(string frame)
    {
        var evt = PolyChatJson.Read(FrameFiles.Bytes(frame));

        Assert.Null(evt.Id);
        Assert.Null(evt.Sequence);
        Assert.Null(evt.Timestamp);
        Assert.NotEqual(EventDirection.Server, evt.Direction);
        JsonSemantics.AssertEquivalent(FrameFiles.Text(frame), PolyChatJson.WriteClientEvent(evt));
    }

    [Fact]
    public void Id_sequence_and_timestamp_set_on_a_client_event_are_not_written()
    {
        var evt = new UserMessageEvent(new UserMessagePayload { Text = "Where is my order?" })
        {
            Id = "0190a3f1-4e80-7c2a-b1d9-2f6a8c0d4e12",
            Sequence = 6,
            Timestamp = new DateTimeOffset(2026, 5, 20, 9, 15, 40, TimeSpan.Zero),
        };

        var written = JsonNode.Parse(PolyChatJson.WriteClientEvent(evt))!.AsObject();

        Assert.Equal(new[] { "payload", "type" }, written.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("EVENT_TYPE_USER_MESSAGE", written["type"]!.GetValue<string>());
        Assert.Equal("Where is my order?", written["payload"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Unknown_envelope_fields_are_not_sent_by_a_client()
    {
        var evt = PolyChatJson.Read("""{"id":"e","sequence":1,"type":"EVENT_TYPE_HEARTBEAT","payload":{},"trace_id":"t-1","session_id":"s-1"}""");
        Assert.NotNull(evt.AdditionalProperties);

        var written = JsonNode.Parse(PolyChatJson.WriteClientEvent(evt))!.AsObject();

        Assert.Equal(new[] { "payload", "type" }, written.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Custom_metadata_is_kept_so_the_echo_can_be_matched()
    {
        var evt = new UserMessageEvent(new UserMessagePayload { Text = "hi" })
        {
            Metadata = new Metadata
            {
                Custom = new Dictionary<string, string>
                {
                    ["client_event_id"] = "5f0c2a9e-3d41-4c1b-9a57-0b6e2d8f1c33",
                    ["channel"] = "web",
                },
            },
        };

        var written = JsonDocument.Parse(PolyChatJson.WriteClientEvent(evt)).RootElement;

        var custom = written.GetProperty("metadata").GetProperty("custom");
        Assert.Equal("5f0c2a9e-3d41-4c1b-9a57-0b6e2d8f1c33", custom.GetProperty("client_event_id").GetString());
        Assert.Equal("web", custom.GetProperty("channel").GetString());
        Assert.Equal(2, custom.EnumerateObject().Count());
    }

    public static TheoryData<string> EmptyPayloadClientEvents => new()
    {
        nameof(RequestPolyAgentJoinEvent),
        nameof(UserEndSessionEvent),
        nameof(HeartbeatEvent),
        nameof(UserTypingEvent),
    };

    [Theory]
    [MemberData(nameof(EmptyPayloadClientEvents))]
    public void An_empty_payload_is_written_as_an_empty_object(string name)
    {
        Event evt = name switch
        {
            nameof(RequestPolyAgentJoinEvent) => new RequestPolyAgentJoinEvent(new RequestPolyAgentJoinPayload()),
            nameof(UserEndSessionEvent) => new UserEndSessionEvent(new UserEndSessionPayload()),
            nameof(HeartbeatEvent) => new HeartbeatEvent(new HeartbeatPayload()),
            nameof(UserTypingEvent) => new UserTypingEvent(new UserTypingPayload()),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        var payload = JsonDocument.Parse(PolyChatJson.WriteClientEvent(evt)).RootElement.GetProperty("payload");

        // Checked directly: the semantic comparer would treat a missing or null payload as equal.
        Assert.Equal(JsonValueKind.Object, payload.ValueKind);
        Assert.Empty(payload.EnumerateObject());
    }

    private static readonly string[] ClientExampleFiles =
    {
        "example-client-request-poly-agent-join.json",
        "example-client-user-message.json",
        "example-client-user-typing.json",
        "example-client-heartbeat.json",
        "example-client-user-end-session.json",
    };

    public static TheoryData<string> ProtocolClientExamples => new(ClientExampleFiles);

    [Theory]
    [MemberData(nameof(ProtocolClientExamples))]
    public void Client_events_built_in_code_match_the_protocol_examples(string example)
    {
        Event evt = example switch
        {
            "example-client-request-poly-agent-join.json" => new RequestPolyAgentJoinEvent(new RequestPolyAgentJoinPayload()),
            "example-client-user-message.json" => new UserMessageEvent(new UserMessagePayload { Text = "Can I change my delivery address?" })
            {
                Metadata = new Metadata { Custom = new Dictionary<string, string> { ["client_event_id"] = "5f0c2a9e-3d41-4c1b-9a57-0b6e2d8f1c33" } },
            },
            "example-client-user-typing.json" => new UserTypingEvent(new UserTypingPayload { State = TypingState.Stopped }),
            "example-client-heartbeat.json" => new HeartbeatEvent(new HeartbeatPayload()),
            "example-client-user-end-session.json" => new UserEndSessionEvent(new UserEndSessionPayload()),
            _ => throw new ArgumentOutOfRangeException(nameof(example)),
        };

        var written = PolyChatJson.WriteClientEvent(evt);

        JsonSemantics.AssertEquivalent(FrameFiles.Text(example), written);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(written).RootElement.GetProperty("payload").ValueKind);
    }

    [Fact]
    public void Every_protocol_client_example_is_covered()
    {
        Assert.Equal(
            FrameFiles.Names(n => n.StartsWith("example-client-", StringComparison.Ordinal)),
            ClientExampleFiles.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ServerFramesOfServerOnlyTypes))]
    public void A_server_only_event_cannot_be_written_as_a_client_event(string frame)
    {
        var evt = PolyChatJson.Read(FrameFiles.Bytes(frame));
        var output = new ArrayBufferWriter<byte>();

        var error = Assert.Throws<ArgumentException>(() => PolyChatJson.WriteClientEvent(output, evt));

        Assert.Equal("value", error.ParamName);
        Assert.Contains(evt.Type.Value, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.WrittenCount);
        Assert.Throws<ArgumentException>(() => PolyChatJson.WriteClientEvent(evt));
    }

    [Fact]
    public void A_poly_agent_message_built_in_code_cannot_be_sent_by_a_client()
    {
        var evt = new PolyAgentMessageEvent(new PolyAgentMessagePayload { MessageId = "m", Text = "Hello" });

        var error = Assert.Throws<ArgumentException>(() => PolyChatJson.WriteClientEvent(evt));

        Assert.Equal("value", error.ParamName);
        Assert.Contains("EVENT_TYPE_POLY_AGENT_MESSAGE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_event_cannot_be_sent_by_a_client()
    {
        var evt = PolyChatJson.Read("""{"type":"EVENT_TYPE_CSAT_RESPONSE","payload":{"rating":5}}""");

        Assert.Equal(EventDirection.Server, evt.Direction);
        Assert.Equal("value", Assert.Throws<ArgumentException>(() => PolyChatJson.WriteClientEvent(evt)).ParamName);
    }

    [Theory]
    [MemberData(nameof(FrameFiles.Server), MemberType = typeof(FrameFiles))]
    public void Direction_follows_the_schema(string frame)
    {
        var declared = EventCatalogue.ByWireType(FrameFiles.WireType(frame));
        var expected = declared.Direction switch
        {
            "client" => EventDirection.Client,
            "both" => EventDirection.Both,
            "server" => EventDirection.Server,
            _ => throw new InvalidOperationException($"Unexpected x-direction '{declared.Direction}'."),
        };

        Assert.Equal(expected, PolyChatJson.Read(FrameFiles.Bytes(frame)).Direction);
    }

    [Fact]
    public void The_buffer_writer_overload_writes_the_same_bytes_as_the_string_overload()
    {
        var evt = PolyChatJson.Read(FrameFiles.Bytes("client-EVENT_TYPE_USER_MESSAGE.json"));
        var output = new ArrayBufferWriter<byte>(1);

        PolyChatJson.WriteClientEvent(output, evt);

        Assert.Equal(PolyChatJson.WriteClientEvent(evt), Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        var evt = new HeartbeatEvent(new HeartbeatPayload());

        Assert.Throws<ArgumentNullException>(() => PolyChatJson.WriteClientEvent(null!));
        Assert.Throws<ArgumentNullException>(() => PolyChatJson.WriteClientEvent(null!, evt));
        Assert.Throws<ArgumentNullException>(() => PolyChatJson.WriteClientEvent(new ArrayBufferWriter<byte>(), null!));
        Assert.Throws<ArgumentNullException>(() => PolyChatJson.Write(null!));
        Assert.Throws<ArgumentNullException>(() => PolyChatJson.Write(null!, evt));
    }
}
