using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using PolyChat.Protocol.Tests.Support;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>JSON objects are unordered: where <c>type</c> sits, or how payload keys are ordered, must not change the event.</summary>
public sealed class KeyOrderTests
{
    public static TheoryData<string, string> FramesAndOrders()
    {
        var data = new TheoryData<string, string>();
        foreach (var frame in FrameFiles.Names(_ => true))
        {
            foreach (var order in Orders.Keys)
            {
                data.Add(frame, order);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, Func<IReadOnlyList<string>, IReadOnlyList<string>>> Orders = new(StringComparer.Ordinal)
    {
        ["type first"] = keys => Move(keys, "type", 0),
        ["type last"] = keys => Move(keys, "type", keys.Count - 1),
        ["payload before type"] = keys =>
        {
            var rest = keys.Where(k => k is not "type" and not "payload").ToList();
            return new[] { "payload", "type" }.Where(keys.Contains).Concat(rest).ToList();
        },
        ["type in the middle"] = keys => Move(keys, "type", keys.Count / 2),
        ["all reversed"] = keys => keys.Reverse().ToList(),
    };

    [Theory]
    [MemberData(nameof(FramesAndOrders))]
    public void Top_level_key_order_does_not_change_the_event(string frame, string order)
    {
        var original = JsonNode.Parse(FrameFiles.Text(frame))!.AsObject();
        var expected = PolyChatJson.Write(PolyChatJson.Read(FrameFiles.Bytes(frame)));

        var reordered = Reorder(original, Orders[order]);

        Assert.Equal(expected, PolyChatJson.Write(PolyChatJson.Read(reordered.ToJsonString())));
    }

    [Theory]
    [MemberData(nameof(FramesAndOrders))]
    public void Top_level_key_order_combined_with_reversed_payload_keys_does_not_change_the_event(string frame, string order)
    {
        var original = JsonNode.Parse(FrameFiles.Text(frame))!.AsObject();
        var expected = PolyChatJson.Write(PolyChatJson.Read(FrameFiles.Bytes(frame)));
        var reordered = Reorder(original, Orders[order]);
        if (reordered["payload"] is JsonObject payload)
        {
            reordered["payload"] = Reorder(payload, keys => keys.Reverse().ToList());
        }

        Assert.Equal(expected, PolyChatJson.Write(PolyChatJson.Read(reordered.ToJsonString())));
    }

    [Theory]
    [MemberData(nameof(FrameFiles.All), MemberType = typeof(FrameFiles))]
    public void Reversing_the_keys_of_every_object_at_every_depth_keeps_the_meaning(string frame)
    {
        // Reaches nested shapes and batched events, whose envelopes then carry the payload before the type.
        var reversed = ReverseDeep(JsonNode.Parse(FrameFiles.Text(frame))!)!.ToJsonString();

        JsonSemantics.AssertEquivalent(FrameFiles.Text(frame), PolyChatJson.Write(PolyChatJson.Read(reversed)));
    }

    [Fact]
    public void Payload_before_type_inside_a_batch_reads_each_inner_event_by_its_own_type()
    {
        const string batch = """
            {"payload":{"events":[
              {"payload":{"text":"hi","message_id":"m1"},"sequence":4,"type":"EVENT_TYPE_USER_MESSAGE"},
              {"payload":{"reason":"REASON_NATURAL_END"},"type":"EVENT_TYPE_SESSION_END","sequence":5}
            ]},"type":"EVENT_TYPE_EVENT_BATCH"}
            """;

        var evt = Assert.IsType<PolyChat.Protocol.Events.EventBatchEvent>(PolyChatJson.Read(batch));

        Assert.Collection(
            evt.Payload.Events,
            first => Assert.Equal("hi", Assert.IsType<PolyChat.Protocol.Events.UserMessageEvent>(first).Payload.Text),
            second => Assert.Equal(
                PolyChat.Protocol.Events.SessionEndReason.NaturalEnd,
                Assert.IsType<PolyChat.Protocol.Events.SessionEndEvent>(second).Payload.Reason));
    }

    private static List<string> Move(IReadOnlyList<string> keys, string key, int index)
    {
        var list = keys.Where(k => k != key).ToList();
        if (keys.Contains(key))
        {
            list.Insert(Math.Clamp(index, 0, list.Count), key);
        }

        return list;
    }

    private static JsonObject Reorder(JsonObject source, Func<IReadOnlyList<string>, IReadOnlyList<string>> order)
    {
        var keys = source.Select(p => p.Key).ToList();
        var target = new JsonObject();
        foreach (var key in order(keys))
        {
            target[key] = source[key]?.DeepClone();
        }

        Assert.Equal(keys.Count, target.Count);
        return target;
    }

    private static JsonNode? ReverseDeep(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Reverse().Select(p => KeyValuePair.Create(p.Key, ReverseDeep(p.Value)))),
        JsonArray array => new JsonArray(array.Select(ReverseDeep).ToArray()),
        _ => node?.DeepClone(),
    };
}
