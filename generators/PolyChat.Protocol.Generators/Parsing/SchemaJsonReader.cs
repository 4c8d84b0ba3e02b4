using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PolyChat.Protocol.Generators.Parsing;

/// <summary>Thrown by <see cref="SchemaJsonReader"/> for text that is not JSON; carries the position.</summary>
internal sealed class SchemaJsonException : Exception
{
    public SchemaJsonException(string message, TextPosition position)
        : base(message) => Position = position;

    public TextPosition Position { get; }
}

/// <summary>
/// A small strict JSON (RFC 8259) reader that records line and column for every value, so schema
/// diagnostics can point into the file. The generator cannot use System.Text.Json: some IDE hosts fail
/// to load it into the compiler process.
/// </summary>
internal sealed class SchemaJsonReader
{
    private const int MaxDepth = 128;

    private readonly string _text;
    private int _offset;
    private int _line = 1;
    private int _lineStart;

    private SchemaJsonReader(string text) => _text = text;

    public List<(string Name, TextPosition Position)> DuplicateKeys { get; } = new();

    public static JsonNode Parse(string text, out List<(string Name, TextPosition Position)> duplicateKeys)
    {
        var reader = new SchemaJsonReader(text);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            reader._offset = 1;
            reader._lineStart = 1;
        }

        reader.SkipWhitespace();
        var root = reader.ReadValue(depth: 0);
        reader.SkipWhitespace();
        if (reader._offset < text.Length)
        {
            throw reader.Error("Unexpected text after the end of the JSON document.");
        }

        duplicateKeys = reader.DuplicateKeys;
        return root;
    }

    private TextPosition Here => new(_offset, _line, _offset - _lineStart + 1);

    private SchemaJsonException Error(string message) => new(message, Here);

    private JsonNode ReadValue(int depth)
    {
        if (_offset >= _text.Length)
        {
            throw Error("Unexpected end of the file; a JSON value was expected.");
        }

        var c = _text[_offset];
        switch (c)
        {
            case '{':
                return ReadObject(depth);
            case '[':
                return ReadArray(depth);
            case '"':
                {
                    var position = Here;
                    return new JsonScalarNode(JsonNodeKind.String, position, ReadString());
                }

            case 't':
                return ReadKeyword("true", JsonNodeKind.True);
            case 'f':
                return ReadKeyword("false", JsonNodeKind.False);
            case 'n':
                return ReadKeyword("null", JsonNodeKind.Null);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ReadNumber();
                }

                throw Error($"Unexpected character '{Printable(c)}'; a JSON value was expected.");
        }
    }

    private JsonNode ReadObject(int depth)
    {
        if (depth >= MaxDepth)
        {
            throw Error($"The schema nests deeper than {MaxDepth} levels.");
        }

        var position = Here;
        _offset++;
        var properties = new List<JsonPropertyNode>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        SkipWhitespace();
        if (Peek() == '}')
        {
            _offset++;
            return new JsonObjectNode(position, properties);
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error("A property name in double quotes was expected.");
            }

            var namePosition = Here;
            var name = ReadString();
            if (!seen.Add(name))
            {
                DuplicateKeys.Add((name, namePosition));
            }

            SkipWhitespace();
            Expect(':');
            SkipWhitespace();
            properties.Add(new JsonPropertyNode(name, namePosition, ReadValue(depth + 1)));
            SkipWhitespace();
            var next = Peek();
            if (next == ',')
            {
                _offset++;
                continue;
            }

            if (next == '}')
            {
                _offset++;
                return new JsonObjectNode(position, properties);
            }

            throw Error("Expected ',' or '}' after a property value.");
        }
    }

    private JsonNode ReadArray(int depth)
    {
        if (depth >= MaxDepth)
        {
            throw Error($"The schema nests deeper than {MaxDepth} levels.");
        }

        var position = Here;
        _offset++;
        var items = new List<JsonNode>();
        SkipWhitespace();
        if (Peek() == ']')
        {
            _offset++;
            return new JsonArrayNode(position, items);
        }

        while (true)
        {
            SkipWhitespace();
            items.Add(ReadValue(depth + 1));
            SkipWhitespace();
            var next = Peek();
            if (next == ',')
            {
                _offset++;
                continue;
            }

            if (next == ']')
            {
                _offset++;
                return new JsonArrayNode(position, items);
            }

            throw Error("Expected ',' or ']' after an array item.");
        }
    }

    private string ReadString()
    {
        _offset++; // opening quote
        var builder = new StringBuilder();
        while (true)
        {
            if (_offset >= _text.Length)
            {
                throw Error("Unterminated string.");
            }

            var c = _text[_offset];
            if (c == '"')
            {
                _offset++;
                return builder.ToString();
            }

            if (c < 0x20)
            {
                throw Error("Control characters must be escaped inside a string.");
            }

            if (c != '\\')
            {
                builder.Append(c);
                _offset++;
                continue;
            }

            _offset++;
            var escape = Peek();
            _offset++;
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_offset + 4 > _text.Length
                        || !int.TryParse(_text.Substring(_offset, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error("A \\u escape needs four hexadecimal digits.");
                    }

                    builder.Append((char)code);
                    _offset += 4;
                    break;
                default:
                    _offset--;
                    throw Error($"Invalid escape sequence '\\{Printable(escape)}'.");
            }
        }
    }

    private JsonNode ReadNumber()
    {
        var position = Here;
        var start = _offset;
        if (Peek() == '-')
        {
            _offset++;
        }

        if (Peek() == '0')
        {
            _offset++;
        }
        else if (IsDigit(Peek()))
        {
            SkipDigits();
        }
        else
        {
            throw Error("Invalid number: a digit was expected.");
        }

        if (Peek() == '.')
        {
            _offset++;
            if (!IsDigit(Peek()))
            {
                throw Error("Invalid number: a digit was expected after '.'.");
            }

            SkipDigits();
        }

        if (Peek() == 'e' || Peek() == 'E')
        {
            _offset++;
            if (Peek() == '+' || Peek() == '-')
            {
                _offset++;
            }

            if (!IsDigit(Peek()))
            {
                throw Error("Invalid number: a digit was expected in the exponent.");
            }

            SkipDigits();
        }

        return new JsonScalarNode(JsonNodeKind.Number, position, _text.Substring(start, _offset - start));
    }

    private JsonNode ReadKeyword(string keyword, JsonNodeKind kind)
    {
        var position = Here;
        if (string.CompareOrdinal(_text, _offset, keyword, 0, keyword.Length) != 0)
        {
            throw Error($"Unexpected character '{Printable(_text[_offset])}'; a JSON value was expected.");
        }

        _offset += keyword.Length;
        return new JsonScalarNode(kind, position, keyword);
    }

    private void Expect(char expected)
    {
        if (Peek() != expected)
        {
            throw Error($"Expected '{expected}'.");
        }

        _offset++;
    }

    private char Peek() => _offset < _text.Length ? _text[_offset] : '\0';

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private void SkipDigits()
    {
        while (IsDigit(Peek()))
        {
            _offset++;
        }
    }

    private void SkipWhitespace()
    {
        while (_offset < _text.Length)
        {
            var c = _text[_offset];
            if (c == '\n')
            {
                _line++;
                _lineStart = _offset + 1;
            }
            else if (c != ' ' && c != '\t' && c != '\r')
            {
                return;
            }

            _offset++;
        }
    }

    private static string Printable(char c) => c < 0x20 || c == '\0' ? $"\\u{(int)c:X4}" : c.ToString();
}
