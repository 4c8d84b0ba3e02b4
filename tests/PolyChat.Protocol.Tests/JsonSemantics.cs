using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
#if !JSON_SEMANTICS_WITHOUT_XUNIT
using Xunit;
#endif

namespace PolyChat.Protocol.Tests;

/// <summary>
/// Compares JSON documents by meaning: object key order is ignored, numbers compare by value
/// (<c>1</c>, <c>1.0</c> and <c>1e0</c> are equal). A property whose value is <c>null</c> is not the same as an
/// absent one: the library decides where it keeps that difference (schema/README.md), so the tests must see it.
/// Array order and string contents are significant. A key repeated in one object is a difference of its own:
/// readers disagree on which occurrence wins, so no document with one is equivalent to anything.
/// </summary>
public static class JsonSemantics
{
#if !JSON_SEMANTICS_WITHOUT_XUNIT
    /// <summary>Fails with the JSON path of the first difference when the documents differ in meaning.</summary>
    public static void AssertEquivalent(string expected, string actual)
    {
        if (FirstDifference(expected, actual) is { } difference)
        {
            Assert.Fail($"JSON differs at {difference}{Environment.NewLine}expected: {expected}{Environment.NewLine}actual:   {actual}");
        }
    }
#endif

    /// <summary>The path and nature of the first difference, or null when the documents are equivalent.</summary>
    public static string? FirstDifference(string expected, string actual)
    {
        using var left = JsonDocument.Parse(expected);
        using var right = JsonDocument.Parse(actual);
        return FirstDifference(left.RootElement, right.RootElement, "$");
    }

    private static string? FirstDifference(JsonElement expected, JsonElement actual, string path)
    {
        if (expected.ValueKind != actual.ValueKind && !(IsBoolean(expected) && IsBoolean(actual)))
        {
            return $"{path}: expected {Describe(expected)} but found {Describe(actual)}";
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                return ObjectDifference(expected, actual, path);
            case JsonValueKind.Array:
                var left = expected.EnumerateArray().ToArray();
                var right = actual.EnumerateArray().ToArray();
                for (var i = 0; i < Math.Min(left.Length, right.Length); i++)
                {
                    if (FirstDifference(left[i], right[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return left.Length == right.Length
                    ? null
                    : $"{path}: expected {left.Length} items but found {right.Length}";
            case JsonValueKind.String:
                return string.Equals(expected.GetString(), actual.GetString(), StringComparison.Ordinal)
                    ? null
                    : $"{path}: expected {Describe(expected)} but found {Describe(actual)}";
            case JsonValueKind.Number:
                return NumbersEqual(expected, actual)
                    ? null
                    : $"{path}: expected {expected.GetRawText()} but found {actual.GetRawText()}";
            case JsonValueKind.True:
            case JsonValueKind.False:
                return expected.ValueKind == actual.ValueKind
                    ? null
                    : $"{path}: expected {Describe(expected)} but found {Describe(actual)}";
            default:
                return null;
        }
    }

    private static string? ObjectDifference(JsonElement expected, JsonElement actual, string path)
    {
        var left = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in expected.EnumerateObject())
        {
            if (!left.TryAdd(property.Name, property.Value))
            {
                return $"{ChildPath(path, property.Name)}: the expected document repeats the key";
            }
        }

        var right = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in actual.EnumerateObject())
        {
            if (!right.TryAdd(property.Name, property.Value))
            {
                return $"{ChildPath(path, property.Name)}: the actual document repeats the key";
            }
        }

        foreach (var name in left.Keys.Concat(right.Keys.Where(k => !left.ContainsKey(k))))
        {
            var hasLeft = left.TryGetValue(name, out var l);
            var hasRight = right.TryGetValue(name, out var r);
            var childPath = ChildPath(path, name);
            if (!hasRight)
            {
                return $"{childPath}: expected {Describe(l)} but the property is missing";
            }

            if (!hasLeft)
            {
                return $"{childPath}: unexpected property with {Describe(r)}";
            }

            if (FirstDifference(l, r, childPath) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    private static bool NumbersEqual(JsonElement expected, JsonElement actual)
    {
        if (expected.TryGetDecimal(out var left) && actual.TryGetDecimal(out var right))
        {
            return left == right;
        }

        return expected.TryGetDouble(out var l) && actual.TryGetDouble(out var r) && l.Equals(r);
    }

    private static bool IsBoolean(JsonElement element) => element.ValueKind is JsonValueKind.True or JsonValueKind.False;

    private static string ChildPath(string path, string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(name[0])
            ? $"{path}.{name}"
            : $"{path}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => $"an array of {element.GetArrayLength().ToString(CultureInfo.InvariantCulture)}",
        JsonValueKind.String => $"\"{element.GetString()}\"",
        _ => element.GetRawText(),
    };
}
