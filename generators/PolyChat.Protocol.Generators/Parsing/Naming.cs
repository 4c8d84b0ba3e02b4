using System;
using System.Collections.Generic;
using System.Text;

namespace PolyChat.Protocol.Generators.Parsing;

/// <summary>
/// Turns wire names into C# names. Culture-invariant by construction (ASCII only). Free of Roslyn types, so the
/// <c>polychat schema diff</c> command compiles this same file and predicts the C# names the generator gives.
/// </summary>
internal static class Naming
{
    /// <summary>Types the generator emits into every schema's namespace.</summary>
    public static readonly string[] ReservedTypeNames = { "Event", "UnknownEvent", "EventType", "EventJsonConverter" };

    /// <summary>The suffix of the converter class emitted beside each shape and enum.</summary>
    public const string ConverterSuffix = "JsonConverter";

    /// <summary>
    /// Members every generated record already has: those the compiler synthesises for records, those of
    /// <see cref="object"/>, and the generator's own bag of unknown properties.
    /// </summary>
    public static readonly HashSet<string> ReservedShapeMembers = new(StringComparer.Ordinal)
    {
        "AdditionalProperties", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize",
        "ReferenceEquals", "Clone", "Deconstruct", "EqualityContract", "PrintMembers",
    };

    /// <summary>Members every generated open-enum struct already has.</summary>
    public static readonly HashSet<string> ReservedEnumMembers = new(StringComparer.Ordinal)
    {
        "Value", "IsKnown", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>Members every generated event record has, besides those of every record.</summary>
    public static readonly HashSet<string> EventMembers = new(StringComparer.Ordinal)
    {
        "Id", "Sequence", "Timestamp", "Metadata", "Type", "Direction", "IsTransient", "Match", "Switch", "Payload", "WireType",
    };

    /// <summary>
    /// The C# name of the <paramref name="index"/>-th property of record <paramref name="owner"/>, unique among
    /// <paramref name="used"/> (seeded with <see cref="ReservedShapeMembers"/> and the owner, and updated): PascalCase
    /// (<c>Property&lt;n&gt;</c> when nothing is left); a name the record already has takes a "Value" suffix; a name
    /// two JSON names share after PascalCasing (<c>speed_kmh</c>, <c>speedKmh</c>) is numbered from 2, in order.
    /// </summary>
    public static string PropertyName(string owner, string jsonName, int index, HashSet<string> used)
    {
        var clrName = ToPascalCase(jsonName);
        if (clrName.Length == 0)
        {
            clrName = "Property" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var unique = AvoidOwnMembers(clrName, owner, ReservedShapeMembers);
        for (var suffix = 2; !used.Add(unique); suffix++)
        {
            unique = clrName + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return unique;
    }

    /// <summary>A member name the type already has (<paramref name="reserved"/>) or the type's own name takes a "Value" suffix.</summary>
    public static string AvoidOwnMembers(string name, string owner, HashSet<string> reserved) =>
        reserved.Contains(name) || name == owner ? name + "Value" : name;

    /// <summary>
    /// The C# type name of a schema definition: its name as written, except a name of lower-case ASCII letters only,
    /// which C# reserves for keywords (CS8981, and <c>record</c>, <c>file</c>, <c>required</c>, <c>scoped</c> outright):
    /// that one takes an upper-case first letter (<c>sample</c> → <c>Sample</c>). The wire name is never changed; two
    /// definitions that end with the same type name are refused as a duplicate type name.
    /// </summary>
    public static string TypeName(string definitionName)
    {
        foreach (var c in definitionName)
        {
            if (c < 'a' || c > 'z')
            {
                return definitionName;
            }
        }

        return definitionName.Length == 0 ? definitionName : ToUpper(definitionName[0]) + definitionName.Substring(1);
    }

    /// <summary><c>UserMessageEvent</c> → <c>UserMessage</c>: the name of an event's <c>EventType</c> member and Match case.</summary>
    public static string EventCaseName(string eventName) =>
        eventName.EndsWith("Event", StringComparison.Ordinal) && eventName.Length > "Event".Length
            ? eventName.Substring(0, eventName.Length - "Event".Length)
            : eventName;

    /// <summary><c>agent_avatar_url</c> → <c>AgentAvatarUrl</c>; <c>EVENT_TYPE_X</c> → <c>EventTypeX</c>.</summary>
    public static string ToPascalCase(string wireName)
    {
        var builder = new StringBuilder(wireName.Length);
        var upperNext = true;
        var previousWasLower = false;
        foreach (var c in wireName)
        {
            if (!IsAsciiLetterOrDigit(c))
            {
                upperNext = true;
                previousWasLower = false;
                continue;
            }

            if (upperNext)
            {
                builder.Append(ToUpper(c));
                upperNext = false;
            }
            else
            {
                // SCREAMING_CASE words become Pascal words; camelCase humps are kept.
                var isUpper = c >= 'A' && c <= 'Z';
                builder.Append(isUpper && !previousWasLower ? ToLower(c) : c);
            }

            previousWasLower = c >= 'a' && c <= 'z';
        }

        if (builder.Length > 0 && builder[0] >= '0' && builder[0] <= '9')
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Member names for enum values: the prefix all values share (up to an underscore) is dropped,
    /// so <c>TYPING_STATE_STARTED</c>/<c>TYPING_STATE_STOPPED</c> become <c>Started</c>/<c>Stopped</c>.
    /// </summary>
    public static List<string> EnumMemberNames(IReadOnlyList<string> values)
    {
        var prefixLength = values.Count > 1 ? CommonUnderscorePrefixLength(values) : 0;
        var names = new List<string>(values.Count);
        foreach (var value in values)
        {
            var name = ToPascalCase(value.Substring(prefixLength));
            names.Add(name.Length == 0 ? "Value" : name);
        }

        return names;
    }

    private static int CommonUnderscorePrefixLength(IReadOnlyList<string> values)
    {
        var first = values[0];
        var length = first.Length;
        foreach (var value in values)
        {
            var i = 0;
            while (i < length && i < value.Length && value[i] == first[i])
            {
                i++;
            }

            length = i;
        }

        // Cut back to the last underscore so a shared partial word is not removed.
        var cut = first.LastIndexOf('_', Math.Max(0, length - 1));
        var prefix = cut < 0 || length == 0 ? 0 : cut + 1;

        // Never strip a value to nothing.
        foreach (var value in values)
        {
            if (value.Length <= prefix)
            {
                return 0;
            }
        }

        return prefix;
    }

    private static bool IsAsciiLetterOrDigit(char c) =>
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

    private static char ToUpper(char c) => c >= 'a' && c <= 'z' ? (char)(c - 32) : c;

    private static char ToLower(char c) => c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}
