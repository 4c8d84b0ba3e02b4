using System.Buffers;
using System.Text;
using System.Text.Json;

namespace PolyChat.Testing.Probing;

/// <summary>The frames the probe sends, written with <see cref="Utf8JsonWriter"/> (no reflection).</summary>
internal static class ProbeFrames
{
    /// <summary>The <c>metadata.custom</c> key that tags the probe's own frames, so their answers can be told apart.</summary>
    public const string MarkerKey = "probe_marker";

    /// <summary>A type no server knows: answered with an error, which marks the end of what was queued before it.</summary>
    public const string BarrierType = "EVENT_TYPE_PROBE_BARRIER";

    /// <summary>The type of the oversized frame: unknown, so a server with a larger limit answers it with an error, not a reply.</summary>
    public const string OversizedType = "EVENT_TYPE_PROBE_OVERSIZED";

    public static string Join() => Write("EVENT_TYPE_REQUEST_POLY_AGENT_JOIN", null, null, null);

    public static string Heartbeat() => Write("EVENT_TYPE_HEARTBEAT", null, null, null);

    public static string EndSession() => Write("EVENT_TYPE_USER_END_SESSION", null, null, null);

    public static string Barrier(string marker) => Write(BarrierType, null, null, marker);

    /// <summary>A user message with <c>metadata.custom</c> holding its client_event_id and the probe's marker.</summary>
    public static string UserMessage(string text, string clientEventId, string marker) => Write("EVENT_TYPE_USER_MESSAGE", text, clientEventId, marker);

    /// <summary>An unknown-type frame of at least <paramref name="bytes"/> bytes, padded in its payload.</summary>
    public static string Oversized(int bytes)
    {
        var head = "{\"type\":\"" + OversizedType + "\",\"metadata\":{\"custom\":{\"" + MarkerKey + "\":\"oversized\"}},\"payload\":{\"padding\":\"";
        var tail = "\"}}";
        var padding = System.Math.Max(0, bytes - head.Length - tail.Length);
        return new StringBuilder(bytes).Append(head).Append('x', padding).Append(tail).ToString();
    }

    private static string Write(string type, string? text, string? clientEventId, string? marker)
    {
        var output = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteStartObject("payload");
            if (text is not null)
            {
                writer.WriteString("text", text);
            }

            writer.WriteEndObject();
            if (clientEventId is not null || marker is not null)
            {
                writer.WriteStartObject("metadata");
                writer.WriteStartObject("custom");
                if (clientEventId is not null)
                {
                    writer.WriteString("client_event_id", clientEventId);
                }

                if (marker is not null)
                {
                    writer.WriteString(MarkerKey, marker);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
