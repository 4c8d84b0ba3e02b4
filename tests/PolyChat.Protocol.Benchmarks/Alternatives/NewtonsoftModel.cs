using System;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace PolyChat.Protocol.Benchmarks.Alternatives;

/// <summary>
/// The discriminator converter JSON-schema code generators emit for Newtonsoft.Json: load the object
/// into a JObject, read "type", then populate the matching class from the JObject.
/// </summary>
public sealed class NewtonsoftEventConverter : JsonConverter<StjEvent>
{
    public static readonly JsonSerializerSettings Settings = new()
    {
        ContractResolver = new DefaultContractResolver { NamingStrategy = new SnakeCaseNamingStrategy() },
        DateParseHandling = DateParseHandling.None,
        Converters = { new NewtonsoftEventConverter() },
    };

    public static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings);

    public override bool CanWrite => false;

    public override StjEvent? ReadJson(JsonReader reader, Type objectType, StjEvent? existingValue, bool hasExistingValue, JsonSerializer serializer)
    {
        var json = JObject.Load(reader);
        StjEvent target = (string?)json["type"] switch
        {
            "EVENT_TYPE_HEARTBEAT" => new StjHeartbeatEvent(),
            "EVENT_TYPE_POLY_AGENT_MESSAGE" => new StjPolyAgentMessageEvent(),
            "EVENT_TYPE_USER_MESSAGE" => new StjUserMessageEvent(),
            "EVENT_TYPE_EVENT_BATCH" => new StjEventBatchEvent(),
            var other => throw new JsonSerializationException($"Unknown event type {other}."),
        };
        using var objectReader = json.CreateReader();
        serializer.Populate(objectReader, target);
        return target;
    }

    public override void WriteJson(JsonWriter writer, StjEvent? value, JsonSerializer serializer) =>
        throw new NotSupportedException("Only reading is compared.");
}
