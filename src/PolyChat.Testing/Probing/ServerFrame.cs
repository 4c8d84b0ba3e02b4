using System.Collections.Generic;
using System.Text.Json;

namespace PolyChat.Testing.Probing;

/// <summary>
/// A server text frame read loosely: an <c>EVENT_BATCH</c> with its inner events (and which envelope fields the
/// wrapper itself had), a single event, or text that is not a JSON object.
/// </summary>
internal sealed record ServerFrame
{
    public bool IsBatch { get; init; }

    /// <summary>The envelope fields (<c>id</c>, <c>sequence</c>, <c>timestamp</c>) the batch wrapper had, in that order.</summary>
    public IReadOnlyList<string> WrapperFields { get; init; } = [];

    /// <summary>Every top-level key of the batch wrapper, in the frame's order.</summary>
    public IReadOnlyList<string> WrapperKeys { get; init; } = [];

    /// <summary>The inner events of a batch, or the one event of another frame; empty when unreadable.</summary>
    public IReadOnlyList<ProbeEvent> Events { get; init; } = [];

    /// <summary>Whether the frame was not a JSON object.</summary>
    public bool Unreadable { get; init; }

    /// <summary>Reads a frame received on probe socket <paramref name="socket"/>.</summary>
    public static ServerFrame Read(string text, int socket)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ServerFrame { Unreadable = true };
            }

            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty;
            if (type != "EVENT_TYPE_EVENT_BATCH")
            {
                return new ServerFrame { Events = [ToEvent(root, fromReplay: false, socket)] };
            }

            var wrapper = new List<string>();
            foreach (var field in (string[])["id", "sequence", "timestamp"])
            {
                if (root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null)
                {
                    wrapper.Add(field);
                }
            }

            var keys = new List<string>();
            foreach (var property in root.EnumerateObject())
            {
                keys.Add(property.Name);
            }

            var events = new List<ProbeEvent>();
            if (root.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object
                && payload.TryGetProperty("events", out var inner) && inner.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in inner.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object)
                    {
                        events.Add(ToEvent(item, fromReplay: true, socket));
                    }
                }
            }

            return new ServerFrame { IsBatch = true, WrapperFields = wrapper, WrapperKeys = keys, Events = events };
        }
        catch (JsonException)
        {
            return new ServerFrame { Unreadable = true };
        }
    }

    private static ProbeEvent ToEvent(JsonElement value, bool fromReplay, int socket)
    {
        Dictionary<string, string>? custom = null;
        if (value.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("custom", out var pairs) && pairs.ValueKind == JsonValueKind.Object)
        {
            custom = [];
            foreach (var pair in pairs.EnumerateObject())
            {
                custom[pair.Name] = pair.Value.ValueKind == JsonValueKind.String ? pair.Value.GetString()! : pair.Value.GetRawText();
            }
        }

        return new ProbeEvent
        {
            Type = value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString()! : string.Empty,
            Id = value.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null,
            Sequence = value.TryGetProperty("sequence", out var sequence) && sequence.ValueKind == JsonValueKind.Number && sequence.TryGetInt64(out var number) ? number : null,
            Payload = value.TryGetProperty("payload", out var payload) ? payload.Clone() : default,
            Custom = custom,
            Json = value.GetRawText(),
            FromReplay = fromReplay,
            Socket = socket,
        };
    }
}
