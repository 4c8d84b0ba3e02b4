using System;
using System.Collections.Generic;
using System.Text.Json;
using PolyChat.Protocol.Events;

namespace PolyChat.Simulator.WebSockets;

/// <summary>
/// Salvages <c>metadata.custom</c> from a frame the event reader rejected, so the error it causes can still
/// carry the client's correlation keys (PROTOCOL.md §6). Only string values are kept, as the SDKs send.
/// </summary>
internal static class CustomMetadataReader
{
    public static Metadata? TryRead(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("metadata", out var metadata)
                || metadata.ValueKind != JsonValueKind.Object
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
        catch (JsonException)
        {
            return null;
        }
    }
}
