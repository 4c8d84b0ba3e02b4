using System;
using System.Collections.Generic;
using System.Text.Json;
using PolyChat.Protocol.Events;

namespace PolyChat.Testing.WebSockets;

/// <summary>
/// The envelope of a client frame, read without the event reader: which top-level fields it has, its
/// <c>type</c> and its <c>metadata.custom</c> (string values only, as the SDKs send). It lets the simulator
/// judge frames the event reader is lenient about (a stray <c>id</c>, a missing <c>payload</c>) and still
/// echo the client's correlation keys on an error for a frame the reader rejects (PROTOCOL.md §6).
/// </summary>
/// <param name="Type">The <c>type</c> when it is a string, else null.</param>
/// <param name="HasPayload">Whether <c>payload</c> is a JSON object.</param>
/// <param name="Flags">The envelope fields a client must not send.</param>
/// <param name="Metadata">The <c>metadata.custom</c> pairs, or null.</param>
internal sealed record ClientFrameScan(string? Type, bool HasPayload, ClientFrameFlags Flags, Metadata? Metadata)
{
    /// <summary>The frame's <c>metadata.custom.client_event_id</c>, or null.</summary>
    public string? ClientEventId => Metadata?.Custom is { } custom && custom.TryGetValue("client_event_id", out var id) ? id : null;

    /// <summary>Scans a frame; null when it is not one JSON object.</summary>
    public static ClientFrameScan? Read(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = 64 });
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read() || document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? type = null;
            var hasPayload = false;
            var flags = ClientFrameFlags.None;
            Metadata? metadata = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "type" when property.Value.ValueKind == JsonValueKind.String:
                        type = property.Value.GetString();
                        break;
                    case "payload":
                        hasPayload = property.Value.ValueKind == JsonValueKind.Object;
                        break;
                    case "id":
                        flags |= ClientFrameFlags.CarriesId;
                        break;
                    case "sequence":
                        flags |= ClientFrameFlags.CarriesSequence;
                        break;
                    case "timestamp":
                        flags |= ClientFrameFlags.CarriesTimestamp;
                        break;
                    case "metadata":
                        metadata = ReadCustom(property.Value);
                        break;
                    default:
                        break;
                }
            }

            return new ClientFrameScan(type, hasPayload, flags, metadata);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Metadata? ReadCustom(JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object
            || !metadata.TryGetProperty("custom", out var custom)
            || custom.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in custom.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                values[property.Name] = property.Value.GetString()!;
            }
        }

        return new Metadata { Custom = values };
    }
}
