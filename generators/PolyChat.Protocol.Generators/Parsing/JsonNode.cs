using System.Collections.Generic;

namespace PolyChat.Protocol.Generators.Parsing;

/// <summary>Where a JSON value starts in the schema file; 1-based line and column.</summary>
internal readonly struct TextPosition
{
    public TextPosition(int offset, int line, int column)
    {
        Offset = offset;
        Line = line;
        Column = column;
    }

    public int Offset { get; }

    public int Line { get; }

    public int Column { get; }
}

internal enum JsonNodeKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// A schema-file JSON value with its position. Lives only inside the parse step: it never reaches the
/// incremental pipeline's models, which hold plain equatable data.
/// </summary>
internal abstract class JsonNode
{
    protected JsonNode(JsonNodeKind kind, TextPosition position)
    {
        Kind = kind;
        Position = position;
    }

    public JsonNodeKind Kind { get; }

    public TextPosition Position { get; }

    public static string DescribeKind(JsonNodeKind kind) => kind switch
    {
        JsonNodeKind.Object => "an object",
        JsonNodeKind.Array => "an array",
        JsonNodeKind.String => "a string",
        JsonNodeKind.Number => "a number",
        JsonNodeKind.True or JsonNodeKind.False => "a boolean",
        _ => "null",
    };
}

internal sealed class JsonObjectNode : JsonNode
{
    public JsonObjectNode(TextPosition position, List<JsonPropertyNode> properties)
        : base(JsonNodeKind.Object, position) => Properties = properties;

    public List<JsonPropertyNode> Properties { get; }

    public JsonNode? Get(string name)
    {
        // Later duplicates win, as in most JSON readers; the parser reports duplicates separately.
        for (var i = Properties.Count - 1; i >= 0; i--)
        {
            if (Properties[i].Name == name)
            {
                return Properties[i].Value;
            }
        }

        return null;
    }
}

internal sealed class JsonPropertyNode
{
    public JsonPropertyNode(string name, TextPosition namePosition, JsonNode value)
    {
        Name = name;
        NamePosition = namePosition;
        Value = value;
    }

    public string Name { get; }

    public TextPosition NamePosition { get; }

    public JsonNode Value { get; }
}

internal sealed class JsonArrayNode : JsonNode
{
    public JsonArrayNode(TextPosition position, List<JsonNode> items)
        : base(JsonNodeKind.Array, position) => Items = items;

    public List<JsonNode> Items { get; }
}

internal sealed class JsonScalarNode : JsonNode
{
    public JsonScalarNode(JsonNodeKind kind, TextPosition position, string text)
        : base(kind, position) => Text = text;

    /// <summary>The decoded string, or the number's literal text, or the keyword.</summary>
    public string Text { get; }
}
