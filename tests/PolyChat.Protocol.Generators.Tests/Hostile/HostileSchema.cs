using System.Text;

namespace PolyChat.Protocol.Generators.Tests.Hostile;

/// <summary>
/// Builds a small schema with every name and string a user controls set from outside: the event's definition
/// name and wire type, a payload property's JSON name, an enum value, and the descriptions. Values are written
/// as JSON strings (escaped here), so any text can be tried, control characters included.
/// </summary>
public sealed record HostileSchema(
    string EventName = "SampleEvent",
    string WireType = "SAMPLE",
    string PropertyName = "x",
    string SecondPropertyName = "y",
    string EnumValue = "A",
    string Description = "d")
{
    public string ToJson() => $$"""
        {
          "x-namespace": "Hostile",
          "oneOf": [ { "$ref": "#/$defs/{{Escape(EventName)}}" } ],
          "$defs": {
            "{{Escape(EventName)}}": {
              "description": {{Quote(Description)}},
              "properties": { "type": { "const": {{Quote(WireType)}} }, "payload": { "$ref": "#/$defs/SamplePayload" } }
            },
            "SamplePayload": {
              "type": "object",
              "description": {{Quote(Description)}},
              "required": [ {{Quote(PropertyName)}} ],
              "properties": {
                {{Quote(PropertyName)}}: { "type": "string", "description": {{Quote(Description)}} },
                {{Quote(SecondPropertyName)}}: { "type": "integer" },
                "kind": { "type": "string", "enum": [ {{Quote(EnumValue)}}, "B" ], "description": {{Quote(Description)}} }
              }
            }
          }
        }
        """;

    private static string Quote(string text) => "\"" + Escape(text) + "\"";

    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.ToString();
    }
}
