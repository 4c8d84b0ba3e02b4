using System.Linq;
using CsCheck;
using Xunit;

namespace PolyChat.Protocol.Generators.Tests.Hostile;

/// <summary>
/// The hostile schemas: named probes of every edge, and random schemas with names drawn from a hostile alphabet.
/// Shared (linked) with polychat's tests, which check that schema diff reads each exactly as the generator does.
/// </summary>
public static class HostileCorpus
{
    public static TheoryData<string, HostileSchema> Named()
    {
        var data = new TheoryData<string, HostileSchema>();

        // What every record has (compiler-synthesised or object's), and what the generator itself adds.
        string[] memberNames =
        {
            "Equals", "GetHashCode", "ToString", "Clone", "Deconstruct", "EqualityContract", "PrintMembers",
            "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals", "AdditionalProperties", "Payload", "Type",
            "Id", "Sequence", "Timestamp", "Metadata", "IsTransient", "IsKnown", "Value", "SamplePayload", "WireType",
        };
        foreach (var name in memberNames)
        {
            data.Add($"property {name}", new HostileSchema(PropertyName: name));
            data.Add($"property {name} (snake)", new HostileSchema(PropertyName: ToSnake(name)));
            data.Add($"enum value {name}", new HostileSchema(EnumValue: name));
        }

        // Names that collide with each other once PascalCased.
        data.Add("speed_kmh and speedKmh", new HostileSchema(PropertyName: "speed_kmh", SecondPropertyName: "speedKmh"));
        data.Add("speedKmh and SpeedKmh", new HostileSchema(PropertyName: "speedKmh", SecondPropertyName: "SpeedKmh"));
        data.Add("a-b and a_b", new HostileSchema(PropertyName: "a-b", SecondPropertyName: "a_b"));
        data.Add("enum values a-b and a_b", new HostileSchema(EnumValue: "b"));

        // Names that are not identifiers.
        foreach (var name in new[] { "", " ", "1abc", "42", "a b", "a-b", "class", "@x", "_", "__", "é", "a\"b", "x\ny", "<$>", "*/", "\u2028" })
        {
            data.Add($"property '{name}'", new HostileSchema(PropertyName: name));
            data.Add($"enum value '{name}'", new HostileSchema(EnumValue: name));
            data.Add($"wire type '{name}'", new HostileSchema(WireType: name));
        }

        // Event (definition) names: the generator's own types, keywords, BCL names.
        foreach (var name in new[] { "Event", "EventType", "UnknownEvent", "EventJsonConverter", "EventJsonHelpers", "HostileJsonContext",
                                     "SamplePayloadJsonConverter", "Object", "String", "System", "Global", "Sample", "class", "1Event", "Event Name" })
        {
            data.Add($"event {name}", new HostileSchema(EventName: name));
        }

        // Text that reaches string literals and doc comments.
        foreach (var text in new[] { "*/ evil /*", "</summary><b>", "line\nline", "cr\rcr", "quote\"", "back\\slash", "\0nul", "\u0001ctl",
                                     "a & b < c > d", "<![CDATA[x]]>", "--> <!--", "\u2028ls\u2029ps", "\u0085nel", "/// <summary>", "\t" })
        {
            data.Add($"description {Printable(text)}", new HostileSchema(Description: text));
            data.Add($"wire type {Printable(text)}", new HostileSchema(WireType: text));
            data.Add($"enum value {Printable(text)}", new HostileSchema(EnumValue: text));
            data.Add($"property {Printable(text)}", new HostileSchema(PropertyName: text));
        }

        return data;
    }

    /// <summary>Random schemas with names drawn from a hostile alphabet: keywords, digits, punctuation, quotes, line breaks.</summary>
    public static Gen<HostileSchema> Random
    {
        get
        {
            var alphabet = Gen.OneOf(
                Gen.Char["abcxyzABCXYZ0189"],
                Gen.Char["_- .\"\\\n\r\t\0*/<>&@$é\u2028"]);
            var word = Gen.OneOf(
                Gen.String[alphabet, 0, 12],
                Gen.Int[0, 9].Select(i => Keywords[i]));
            return Gen.Select(word, word, word, word, word, word, (e, w, p, q, v, d) =>
                new HostileSchema(EventName: e.Length == 0 ? "E" : e, WireType: w, PropertyName: p, SecondPropertyName: q, EnumValue: v, Description: d));
        }
    }

    private static readonly string[] Keywords = { "class", "Equals", "ToString", "Value", "IsKnown", "Payload", "Type", "Event", "Clone", "AdditionalProperties" };

    private static string ToSnake(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string Printable(string text) =>
        string.Concat(text.Select(c => c < 0x20 || c is '\u2028' or '\u2029' or '\u0085' ? $"\\u{(int)c:X4}" : c.ToString()));
}
