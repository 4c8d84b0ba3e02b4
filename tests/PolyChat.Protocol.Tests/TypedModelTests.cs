using System;
using System.Collections.Generic;
using System.Linq;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Tests.Support;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// Wire fields map onto the typed members their names promise, and events built in code are written
/// with the documented wire names. Expected values come from the hand-written frames.
/// </summary>
public sealed class TypedModelTests
{
    private static T Read<T>(string frame)
        where T : Event => Assert.IsType<T>(PolyChatJson.Read(FrameFiles.Bytes(frame)));

    [Fact]
    public void A_user_message_echo_exposes_text_message_id_and_custom_metadata()
    {
        var evt = Read<UserMessageEvent>("EVENT_TYPE_USER_MESSAGE.json");

        Assert.Equal("Can I change my delivery address? Ça me dérange — 配送先を変更したい", evt.Payload.Text);
        Assert.Equal("msg_u_7f3k2", evt.Payload.MessageId);
        Assert.Equal("5f0c2a9e-3d41-4c1b-9a57-0b6e2d8f1c33", evt.Metadata?.Custom?["client_event_id"]);
        Assert.Equal(EventType.UserMessage, evt.Type);
        Assert.Equal(UserMessageEvent.WireType, evt.Type.Value);
    }

    [Fact]
    public void A_poly_agent_message_exposes_every_documented_and_sdk_field()
    {
        var payload = Read<PolyAgentMessageEvent>("EVENT_TYPE_POLY_AGENT_MESSAGE.json").Payload;

        Assert.Equal("msg_a_91xq", payload.MessageId);
        Assert.Equal("Yes, you can change it until the order ships. Shall I update it to \"12 Rue de la Paix\"?", payload.Text);
        Assert.Equal(2, payload.Attachments?.Count);
        var image = payload.Attachments![1];
        Assert.Equal("Delivery zones", image.Title);
        Assert.Equal(new Uri("https://cdn.example.org/img/zones-thumb.png"), image.PreviewImageUrl);
        Assert.Equal(new Uri("https://cdn.example.org/img/zones.png"), image.ContentUrl);
        Assert.Equal(AttachmentContentType.Image, image.ContentType);
        Assert.Equal("View map", image.CallToActionText);
        Assert.Equal(AttachmentContentType.Url, payload.Attachments[0].ContentType);
        Assert.Equal(new[] { "Yes, update it", "No thanks" }, new[] { payload.ResponseSuggestions![0].MessageText, payload.ResponseSuggestions[1].MessageText });
        Assert.Equal("decline_address_change", payload.ResponseSuggestions[1].Payload);
        Assert.Equal("Ava", payload.AgentName);
        Assert.Equal(new Uri("https://cdn.example.org/agents/ava.png"), payload.AvatarUrl);
        Assert.Equal("+44 20 7946 0019", payload.ChatCallActions![1].ContactNumber);
        Assert.Equal("Call deliveries", payload.ChatCallActions[0].Title);
        Assert.False(payload.EndConversation);
    }

    [Fact]
    public void A_message_chunk_exposes_its_index_and_completion()
    {
        var payload = Read<PolyAgentMessageChunkEvent>("EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK.json").Payload;
        var last = Read<PolyAgentMessageChunkEvent>("example-server-poly-agent-message-chunk.json").Payload;

        Assert.Equal(2, payload.ChunkIndex);
        Assert.False(payload.IsComplete);
        Assert.Equal(" until the order ships.", payload.Text);
        Assert.Equal(4, last.ChunkIndex);
        Assert.True(last.IsComplete);
        Assert.Equal(string.Empty, last.Text);
    }

    [Fact]
    public void Session_start_exposes_the_capabilities()
    {
        var capabilities = Read<SessionStartEvent>("EVENT_TYPE_SESSION_START.json").Payload.Capabilities;

        Assert.NotNull(capabilities);
        Assert.True(capabilities.Streaming);
        Assert.Equal(131072, capabilities.MaxMessageSizeBytes);
        Assert.Equal(5, capabilities.MaxReconnectAttempts);
        Assert.Equal(30, capabilities.HeartbeatIntervalSeconds);
    }

    [Fact]
    public void Handoff_events_expose_their_fields()
    {
        var joined = Read<LiveAgentJoinedEvent>("EVENT_TYPE_LIVE_AGENT_JOINED.json").Payload;
        var queue = Read<HandoffQueueStatusEvent>("EVENT_TYPE_HANDOFF_QUEUE_STATUS.json").Payload;
        var required = Read<ClientHandoffRequiredEvent>("EVENT_TYPE_CLIENT_HANDOFF_REQUIRED.json").Payload;
        var typing = Read<LiveAgentTypingEvent>("EVENT_TYPE_LIVE_AGENT_TYPING.json").Payload;

        Assert.Equal("agent_17", joined.Agent?.Id);
        Assert.Equal("Sam Okafor", joined.Agent?.Name);
        Assert.Equal(new Uri("https://cdn.example.org/staff/sam.jpg"), joined.Agent?.AvatarUrl);
        Assert.Equal("agent_17", joined.AgentId);
        Assert.Equal("Deliveries", queue.QueueName);
        Assert.Equal(2, queue.PositionInQueue);
        Assert.Equal(90, queue.EstimatedWaitSeconds);
        Assert.Equal(2, queue.Position);
        Assert.Equal("You are number 2 in the queue (about 2 minutes).", queue.DisplayMessage);
        Assert.Equal(ClientHandoffReason.ComplexQuery, required.Reason);
        Assert.Equal("zendesk:deliveries", required.Route);
        Assert.Equal(TypingState.Started, typing.State);
        Assert.Equal("Sam Okafor", typing.AgentName);
    }

    [Fact]
    public void System_messages_and_session_end_expose_their_enums()
    {
        var system = Read<SystemMessageEvent>("EVENT_TYPE_SYSTEM_MESSAGE.json").Payload;
        var end = Read<SessionEndEvent>("EVENT_TYPE_SESSION_END.json").Payload;

        Assert.Equal(SystemMessageLevel.Error, system.Level);
        Assert.Equal("Event type not allowed: EVENT_TYPE_POLY_AGENT_THINKING", system.Message);
        Assert.Equal(SessionEndReason.UserEnd, end.Reason);
        Assert.True(end.Reason?.IsKnown);
    }

    [Fact]
    public void A_batch_exposes_its_inner_events_in_order_with_their_own_envelopes()
    {
        var batch = Read<EventBatchEvent>("EVENT_TYPE_EVENT_BATCH.json");

        Assert.Collection(
            batch.Payload.Events,
            first =>
            {
                var start = Assert.IsType<SessionStartEvent>(first);
                Assert.Equal(1, start.Sequence);
                Assert.Equal("0190a3f1-1c22-7b10-8e4d-5a1f0c9b7e01", start.Id);
                Assert.Equal(30, start.Payload.Capabilities?.HeartbeatIntervalSeconds);
            },
            second =>
            {
                var message = Assert.IsType<UserMessageEvent>(second);
                Assert.Equal(6, message.Sequence);
                Assert.Equal(new DateTimeOffset(2026, 5, 20, 9, 15, 40, TimeSpan.Zero), message.Timestamp);
                Assert.Equal("msg_u_7f3k2", message.Payload.MessageId);
            });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(100)]
    public void Arrays_of_any_length_keep_every_item_in_order(int count)
    {
        // Short arrays are collected in fields and longer ones continue in a pooled buffer: both sides of the edge.
        var suggestions = string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{"message_text":"s{{i}}"}"""));
        var frame = $$$"""{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{"message_id":"m","text":"t","response_suggestions":[{{{suggestions}}}]}}""";

        var read = Assert.IsType<PolyAgentMessageEvent>(PolyChatJson.Read(frame)).Payload.ResponseSuggestions!;

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"s{i}"), read.Select(s => s.MessageText));
    }

    [Fact]
    public void A_poly_agent_message_built_in_code_is_written_with_the_documented_wire_names()
    {
        var evt = new PolyAgentMessageEvent(new PolyAgentMessagePayload
        {
            MessageId = "msg_a_91xq",
            Text = "Yes, you can change it until the order ships. Shall I update it to \"12 Rue de la Paix\"?",
            Attachments = new[]
            {
                new Attachment
                {
                    Title = "Manage your order",
                    PreviewImageUrl = new Uri("https://cdn.example.org/img/order-thumb.png"),
                    ContentUrl = new Uri("https://shop.example.org/orders"),
                    ContentType = AttachmentContentType.Url,
                    CallToActionText = "Open orders",
                },
                new Attachment
                {
                    Title = "Delivery zones",
                    PreviewImageUrl = new Uri("https://cdn.example.org/img/zones-thumb.png"),
                    ContentUrl = new Uri("https://cdn.example.org/img/zones.png"),
                    ContentType = AttachmentContentType.Image,
                    CallToActionText = "View map",
                },
            },
            ResponseSuggestions = new[]
            {
                new ResponseSuggestion { MessageText = "Yes, update it", Payload = "confirm_address_change" },
                new ResponseSuggestion { MessageText = "No thanks", Payload = "decline_address_change" },
            },
            AgentName = "Ava",
            AvatarUrl = new Uri("https://cdn.example.org/agents/ava.png"),
            ChatCallActions = new[]
            {
                new ChatCallAction { Title = "Call deliveries", ContactNumber = "+44 20 7946 0018" },
                new ChatCallAction { Title = "Call billing", ContactNumber = "+44 20 7946 0019" },
            },
            EndConversation = false,
        })
        {
            Id = "0190a3f1-5000-7c2c-b1d9-2f6a8c0d4e14",
            Sequence = 8,
            Timestamp = new DateTimeOffset(2026, 5, 20, 9, 15, 43, TimeSpan.Zero),
        };

        JsonSemantics.AssertEquivalent(FrameFiles.Text("EVENT_TYPE_POLY_AGENT_MESSAGE.json"), PolyChatJson.Write(evt));
    }

    [Fact]
    public void A_batch_built_in_code_is_written_with_each_inner_envelope()
    {
        var evt = new EventBatchEvent(new EventBatchPayload
        {
            Events = new Event[]
            {
                new SessionStartEvent(new SessionStartPayload
                {
                    Capabilities = new Capabilities { Streaming = true, MaxMessageSizeBytes = 131072, MaxReconnectAttempts = 5, HeartbeatIntervalSeconds = 30 },
                })
                {
                    Id = "0190a3f1-1c22-7b10-8e4d-5a1f0c9b7e01",
                    Sequence = 1,
                    Timestamp = new DateTimeOffset(2026, 5, 20, 9, 15, 2, TimeSpan.Zero),
                },
            },
        });

        JsonSemantics.AssertEquivalent(FrameFiles.Text("example-server-event-batch.json"), PolyChatJson.Write(evt));
    }

    [Fact]
    public void A_transient_event_built_in_code_spells_its_missing_sequence_as_null()
    {
        var evt = new LiveAgentTypingEvent(new LiveAgentTypingPayload { State = TypingState.Started, AgentId = "agent_17" })
        {
            Id = "0190a3f2-2c01-7f3b-8d2a-6e1c0b9a8f45",
            Timestamp = new DateTimeOffset(2026, 5, 20, 9, 18, 11, TimeSpan.Zero),
        };

        var written = PolyChatJson.Write(evt);

        JsonSemantics.AssertEquivalent(FrameFiles.Text("example-server-live-agent-typing.json"), written);
        Assert.Contains("\"sequence\":null", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_metadata_built_from_any_read_only_dictionary_is_written()
    {
        IReadOnlyDictionary<string, string> custom = new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(
            new Dictionary<string, string> { ["client_event_id"] = "hb-0007" });
        var evt = new HeartbeatEvent(new HeartbeatPayload()) { Metadata = new Metadata { Custom = custom } };

        JsonSemantics.AssertEquivalent(FrameFiles.Text("client-EVENT_TYPE_HEARTBEAT.json"), PolyChatJson.Write(evt));
    }
}
