using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PolyChat.Protocol.Benchmarks.Alternatives;

// What a team would write with System.Text.Json alone: a polymorphic hierarchy with the
// discriminator attributes and the STJ source generator. Enums stay strings, as they must to
// survive values added later. The classes declare the same properties as the generated records
// (every field the schema lists, and an extension-data slot so that unknown properties are kept),
// so that both readers build the same object graph from the same bytes.
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", IgnoreUnrecognizedTypeDiscriminators = false)]
[JsonDerivedType(typeof(StjHeartbeatEvent), "EVENT_TYPE_HEARTBEAT")]
[JsonDerivedType(typeof(StjPolyAgentMessageEvent), "EVENT_TYPE_POLY_AGENT_MESSAGE")]
[JsonDerivedType(typeof(StjUserMessageEvent), "EVENT_TYPE_USER_MESSAGE")]
[JsonDerivedType(typeof(StjEventBatchEvent), "EVENT_TYPE_EVENT_BATCH")]
public abstract class StjEvent
{
    public string? Id { get; set; }

    public long? Sequence { get; set; }

    public DateTimeOffset? Timestamp { get; set; }

    public StjMetadata? Metadata { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed class StjMetadata
{
    public Dictionary<string, string>? Custom { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed class StjHeartbeatEvent : StjEvent
{
    public StjEmptyPayload Payload { get; set; } = new();
}

public sealed class StjEmptyPayload
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed class StjPolyAgentMessageEvent : StjEvent
{
    public StjAgentMessagePayload Payload { get; set; } = null!;
}

public sealed class StjAgentMessagePayload
{
    public string MessageId { get; set; } = null!;

    public string Text { get; set; } = null!;

    public List<StjAttachment>? Attachments { get; set; }

    public List<StjSuggestion>? ResponseSuggestions { get; set; }

    public string? AgentName { get; set; }

    public Uri? AvatarUrl { get; set; }

    public List<StjChatCallAction>? ChatCallActions { get; set; }

    public bool? EndConversation { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed class StjChatCallAction
{
    public string? Title { get; set; }

    public string? ContactNumber { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed class StjAttachment
{
    public string? Title { get; set; }

    public Uri? PreviewImageUrl { get; set; }

    public Uri? ContentUrl { get; set; }

    public string? ContentType { get; set; }

    public string? CallToActionText { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed class StjSuggestion
{
    public string MessageText { get; set; } = null!;

    public string? Payload { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed class StjUserMessageEvent : StjEvent
{
    public StjUserMessagePayload Payload { get; set; } = null!;
}

public sealed class StjUserMessagePayload
{
    public string Text { get; set; } = null!;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MessageId { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

public sealed class StjEventBatchEvent : StjEvent
{
    public StjBatchPayload Payload { get; set; } = null!;
}

public sealed class StjBatchPayload
{
    public List<StjEvent> Events { get; set; } = null!;

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StjEvent))]
public sealed partial class StjContext : JsonSerializerContext
{
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(StjEvent))]
public sealed partial class StjOutOfOrderContext : JsonSerializerContext
{
}
