using System.Globalization;
using System.Linq;
using System.Text;
using PolyChat.Protocol.Generators.Helpers;
using PolyChat.Protocol.Generators.Model;

namespace PolyChat.Protocol.Generators.Emit;

/// <summary>
/// Emits <c>MatchProperty</c>: property name → index by length first, then a byte comparison, so a
/// name costs one switch and usually one memcmp instead of a chain of string comparisons.
/// </summary>
internal static class PropertyMatcher
{
    public static void Emit(SourceWriter writer, EquatableArray<PropertySpec> properties) =>
        EmitMatcher(writer, "MatchProperty", properties.Select((p, i) => (p.JsonName, i)).ToArray());

    public static void EmitMatcher(SourceWriter writer, string methodName, (string Text, int Index)[] cases)
    {
        writer.WriteBlock($$"""
            private static int {{methodName}}(ref global::System.Text.Json.Utf8JsonReader reader) =>
                reader.ValueIsEscaped || reader.HasValueSequence
                    ? {{methodName}}({{TypeSyntax.Helpers}}.UnescapedBytes(ref reader))
                    : {{methodName}}(reader.ValueSpan);
            """);
        writer.WriteLine();
        writer.WriteLine($"private static int {methodName}(global::System.ReadOnlySpan<byte> name) => name.Length switch");
        writer.OpenBrace();
        foreach (var (text, index) in cases.OrderBy(c => Encoding.UTF8.GetByteCount(c.Text)).ThenBy(c => c.Index))
        {
            var length = Encoding.UTF8.GetByteCount(text).ToString(CultureInfo.InvariantCulture);
            writer.WriteLine($"{length} when global::System.MemoryExtensions.SequenceEqual(name, {TypeSyntax.Utf8Literal(text)}) => {index.ToString(CultureInfo.InvariantCulture)},");
        }

        writer.WriteLine("_ => -1,");
        writer.CloseBrace(";");
    }
}
