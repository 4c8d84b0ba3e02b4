using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace PolyChat.Protocol.Benchmarks;

/// <summary>The frames every benchmark reads: the same bytes for every contender.</summary>
public static class Frames
{
    /// <summary>A heartbeat echo (~150 B).</summary>
    public static readonly byte[] Small = Encoding.UTF8.GetBytes(
        "{\"id\":\"0190a3f1-4e80-7c2a-b1d9-2f6a8c0d4e12\",\"sequence\":6,\"timestamp\":\"2026-05-20T09:15:40Z\",\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{}}");

    /// <summary>The agent message of the docs: an attachment and two suggestions, <c>type</c> 4th (~620 B).</summary>
    public static readonly byte[] Medium = Encoding.UTF8.GetBytes(MediumText);

    /// <summary>The same message with <c>type</c> last, for readers that must look ahead.</summary>
    public static readonly byte[] MediumTypeLast = Encoding.UTF8.GetBytes(
        MediumText.Replace("\"type\":\"EVENT_TYPE_POLY_AGENT_MESSAGE\",", string.Empty, System.StringComparison.Ordinal)
            [..^1] + ",\"type\":\"EVENT_TYPE_POLY_AGENT_MESSAGE\"}");

    /// <summary>The same message with <c>type</c> first.</summary>
    public static readonly byte[] MediumTypeFirst = Encoding.UTF8.GetBytes(
        "{\"type\":\"EVENT_TYPE_POLY_AGENT_MESSAGE\"," + MediumText.Replace("\"type\":\"EVENT_TYPE_POLY_AGENT_MESSAGE\",", string.Empty, System.StringComparison.Ordinal)[1..]);

    /// <summary>An agent message with 100 KB of text.</summary>
    public static readonly byte[] Large = Encoding.UTF8.GetBytes(
        "{\"id\":\"0190a3f1-5a10-7d44-9c3e-7b2e1f0a6d23\",\"sequence\":10,\"timestamp\":\"2026-05-20T09:15:43Z\",\"type\":\"EVENT_TYPE_POLY_AGENT_MESSAGE\",\"payload\":{\"message_id\":\"msg_a_91xq\",\"text\":\""
        + string.Concat(Enumerable.Repeat("All work and no play makes Jack a dull boy. ", 100 * 1024 / 44)) + "\"}}");

    /// <summary>A replay batch of 1,000 events.</summary>
    public static readonly byte[] Batch = Encoding.UTF8.GetBytes(
        "{\"type\":\"EVENT_TYPE_EVENT_BATCH\",\"payload\":{\"events\":["
        + string.Join(",", Enumerable.Range(1, 1000).Select(i => MediumText
            .Replace("\"sequence\":10", $"\"sequence\":{i}", System.StringComparison.Ordinal)
            .Replace("7b2e1f0a6d23", $"{i:x12}", System.StringComparison.Ordinal)))
        + "]}}");

    /// <summary>
    /// The same frame with every event's <c>type</c> (batched ones too) moved to the front, as STJ's polymorphism
    /// needs it, or to the end.
    /// </summary>
    public static byte[] WithTypeAt(byte[] frame, bool first) =>
        Encoding.UTF8.GetBytes(Reorder(JsonNode.Parse(frame)!, first)!.ToJsonString());

    private static JsonNode? Reorder(JsonNode? node, bool first)
    {
        switch (node)
        {
            case JsonArray array:
                return new JsonArray(array.Select(item => Reorder(item?.DeepClone(), first)).ToArray());
            case JsonObject value:
                var properties = value.Select(p => (p.Key, Value: Reorder(p.Value?.DeepClone(), first))).ToList();
                var ordered = properties.Where(p => p.Key != "type");
                var type = properties.Where(p => p.Key == "type");
                var reordered = new JsonObject();
                foreach (var (key, child) in first ? type.Concat(ordered) : ordered.Concat(type))
                {
                    reordered[key] = child;
                }

                return reordered;
            default:
                return node;
        }
    }

    private const string MediumText =
        "{\"id\":\"0190a3f1-5a10-7d44-9c3e-7b2e1f0a6d23\",\"sequence\":10,\"timestamp\":\"2026-05-20T09:15:43Z\"," +
        "\"type\":\"EVENT_TYPE_POLY_AGENT_MESSAGE\",\"payload\":{\"message_id\":\"msg_a_91xq\"," +
        "\"text\":\"Sure - you can change the delivery address from your orders page, up to an hour before dispatch.\"," +
        "\"attachments\":[{\"title\":\"Manage your order\",\"preview_image_url\":\"https://cdn.example.org/img/order-thumb.png\"," +
        "\"content_url\":\"https://shop.example.org/orders\",\"content_type\":\"ATTACHMENT_CONTENT_TYPE_URL\",\"call_to_action_text\":\"Open orders\"}]," +
        "\"response_suggestions\":[{\"message_text\":\"Yes, update it\"},{\"message_text\":\"No thanks\"}]}}";
}
