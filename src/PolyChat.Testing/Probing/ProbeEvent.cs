using System;
using System.Collections.Generic;
using System.Text.Json;

namespace PolyChat.Testing.Probing;

/// <summary>
/// One server event as the probe saw it on the wire: its envelope fields read as they are (no library types, so
/// odd shapes survive), where it came from, and its JSON.
/// </summary>
internal sealed record ProbeEvent
{
    /// <summary>The <c>type</c>, or empty when it had none.</summary>
    public required string Type { get; init; }

    public string? Id { get; init; }

    /// <summary>The sequence when it is a number; null when absent or null.</summary>
    public long? Sequence { get; init; }

    /// <summary>The payload, or an undefined element when the frame had none.</summary>
    public JsonElement Payload { get; init; }

    /// <summary><c>metadata.custom</c> string values, or null.</summary>
    public IReadOnlyDictionary<string, string>? Custom { get; init; }

    /// <summary>The event's JSON as received (an inner event of a batch: its own object).</summary>
    public required string Json { get; init; }

    /// <summary>Whether it came inside an <c>EVENT_BATCH</c>.</summary>
    public bool FromReplay { get; init; }

    /// <summary>The probe socket it came on.</summary>
    public int Socket { get; init; }

    /// <summary>Whether an event with the same id had been seen before on the conversation.</summary>
    public bool Repeat { get; init; }

    public string? ClientEventId => Custom is { } custom && custom.TryGetValue("client_event_id", out var id) ? id : null;

    public string? Marker => Custom is { } custom && custom.TryGetValue(ProbeFrames.MarkerKey, out var marker) ? marker : null;

    public bool Is(string shortType) => Type == "EVENT_TYPE_" + shortType;

    /// <summary>A string field of the payload, or null.</summary>
    public string? PayloadString(string name) =>
        Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Whether the payload is an object holding <paramref name="name"/>.</summary>
    public bool PayloadHas(string name) => Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty(name, out _);

    public bool IsError => Is("SYSTEM_MESSAGE") && PayloadString("level") == "SYSTEM_MESSAGE_LEVEL_ERROR";

    /// <summary>Whether it completes an agent's turn: a whole message, the last chunk, an error or the session's end.</summary>
    public bool EndsAgentTurn =>
        Is("POLY_AGENT_MESSAGE") || Is("LIVE_AGENT_MESSAGE") || IsError || Is("SESSION_END") || Is("CLIENT_HANDOFF_REQUIRED")
        || (Is("POLY_AGENT_MESSAGE_CHUNK") && Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty("is_complete", out var complete)
            && complete.ValueKind == JsonValueKind.True);

    /// <summary>A short description for evidence: type, sequence, id, correlation keys, then the payload, trimmed.</summary>
    public string Describe()
    {
        var sequence = Sequence is { } value ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null";
        var type = Type.StartsWith("EVENT_TYPE_", StringComparison.Ordinal) ? Type["EVENT_TYPE_".Length..] : Type;
        var keys = ClientEventId is { } cid ? $" client_event_id={cid}" : Marker is { } marker ? $" {ProbeFrames.MarkerKey}={marker}" : string.Empty;
        var payload = Payload.ValueKind == JsonValueKind.Undefined ? "(no payload)" : Payload.GetRawText();
        return Evidence.Trim($"{type} seq={sequence} id={Id ?? "(none)"}{keys} {payload}");
    }
}
