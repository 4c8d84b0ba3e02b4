using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using PolyChat.Protocol.Tests.Support;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// The server frames are only as good as their coverage: each must fill every property the schema declares
/// for its payload (nested shapes included, arrays with two items), and nothing the schema does not declare.
/// </summary>
public sealed class FrameCoverageTests
{
    [Theory]
    [MemberData(nameof(FrameFiles.Server), MemberType = typeof(FrameFiles))]
    public void A_server_frame_has_the_full_envelope(string frame)
    {
        using var document = JsonDocument.Parse(FrameFiles.Bytes(frame));
        var root = document.RootElement;

        Assert.Equal(JsonValueKind.String, root.GetProperty("id").ValueKind);
        Assert.Contains(root.GetProperty("sequence").ValueKind, new[] { JsonValueKind.Number, JsonValueKind.Null });
        Assert.EndsWith("Z", root.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, root.GetProperty("type").ValueKind);
        Assert.Equal(JsonValueKind.Object, root.GetProperty("payload").ValueKind);
    }

    [Theory]
    [MemberData(nameof(FrameFiles.Server), MemberType = typeof(FrameFiles))]
    public void A_server_frame_fills_every_payload_property_the_schema_declares(string frame)
    {
        using var document = JsonDocument.Parse(FrameFiles.Bytes(frame));
        var declared = EventCatalogue.ByWireType(document.RootElement.GetProperty("type").GetString()!);
        var problems = new List<string>();

        Check(document.RootElement.GetProperty("payload"), EventCatalogue.Definition(declared.PayloadDefinition), "$.payload", problems);

        Assert.Empty(problems);
    }

    [Fact]
    public void The_coverage_check_notices_a_missing_property()
    {
        using var document = JsonDocument.Parse("""{"message_id":"m","text":"t"}""");
        var problems = new List<string>();

        Check(document.RootElement, EventCatalogue.Definition("PolyAgentMessagePayload"), "$.payload", problems);

        Assert.Contains("$.payload.attachments: missing", problems);
    }

    private static void Check(JsonElement value, JsonElement schema, string path, List<string> problems)
    {
        if (EventCatalogue.RefName(schema) is { } name)
        {
            Check(value, EventCatalogue.Definition(name), path, problems);
            return;
        }

        if (schema.TryGetProperty("$ref", out _))
        {
            return; // "#": a nested event, covered by its own frame.
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            if (!values.EnumerateArray().Any(v => v.GetString() == value.GetString()))
            {
                problems.Add($"{path}: '{value}' is not a documented value");
            }

            return;
        }

        switch (schema.GetProperty("type").GetString())
        {
            case "object":
                var properties = schema.TryGetProperty("properties", out var declared)
                    ? declared.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal)
                    : new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var (property, propertySchema) in properties)
                {
                    if (!value.TryGetProperty(property, out var child) || child.ValueKind == JsonValueKind.Null)
                    {
                        problems.Add($"{path}.{property}: missing");
                        continue;
                    }

                    Check(child, propertySchema, $"{path}.{property}", problems);
                }

                problems.AddRange(value.EnumerateObject().Where(p => !properties.ContainsKey(p.Name)).Select(p => $"{path}.{p.Name}: not in the schema"));
                break;
            case "array":
                if (value.GetArrayLength() != 2)
                {
                    problems.Add($"{path}: {value.GetArrayLength()} items instead of 2");
                }

                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Check(item, schema.GetProperty("items"), $"{path}[{index++}]", problems);
                }

                break;
            case "string" when value.ValueKind != JsonValueKind.String:
            case "integer" when value.ValueKind != JsonValueKind.Number:
            case "boolean" when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                problems.Add($"{path}: {value.ValueKind} does not match the schema type");
                break;
        }
    }
}
