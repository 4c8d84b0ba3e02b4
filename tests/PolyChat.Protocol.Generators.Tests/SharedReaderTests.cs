using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PolyChat.Protocol.Generators.Diagnostics;
using PolyChat.Protocol.Generators.Parsing;
using Xunit;

namespace PolyChat.Protocol.Generators.Tests;

/// <summary>
/// The schema reader is compiled without Roslyn (polychat schema diff links its source), so where it once asked the
/// compiler it now has its own copy of the rule. These hold each copy equal to the compiler's.
/// </summary>
public sealed class SharedReaderTests
{
    [Fact]
    public void Identifier_characters_are_the_compilers()
    {
        for (var c = char.MinValue; c < char.MaxValue; c++)
        {
            Assert.True(SyntaxFacts.IsIdentifierStartCharacter(c) == Identifiers.IsIdentifierStart(c), $"start U+{(int)c:X4}");
            Assert.True(SyntaxFacts.IsIdentifierPartCharacter(c) == Identifiers.IsIdentifierPart(c), $"part U+{(int)c:X4}");
        }
    }

    [Fact]
    public void Reserved_keywords_are_the_compilers()
    {
        var keywords = SyntaxFacts.GetReservedKeywordKinds().Select(SyntaxFacts.GetText).ToList();
        var contextual = SyntaxFacts.GetContextualKeywordKinds().Select(SyntaxFacts.GetText).ToList();

        Assert.All(keywords, keyword => Assert.False(Identifiers.IsValidIdentifier(keyword), keyword));
        Assert.All(contextual.Where(SyntaxFacts.IsValidIdentifier), keyword => Assert.True(Identifiers.IsValidIdentifier(keyword), keyword));
        foreach (var name in new[] { "", "_", "a1", "1a", "a b", "@class", "é", "x\u200Dy", "\u2028", "Ⅻ", "a\u0301" })
        {
            var compiler = SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None;
            Assert.True(compiler == Identifiers.IsValidIdentifier(name), name);
        }
    }

    [Fact]
    public void Each_descriptor_has_the_plain_definitions_id_severity_and_text()
    {
        Assert.Equal(SchemaDiagnostics.All.Select(d => d.Id), DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(id => id, System.StringComparer.Ordinal));
        foreach (var plain in SchemaDiagnostics.All)
        {
            var descriptor = DiagnosticDescriptors.Find(plain.Id);
            Assert.Equal(plain.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
            Assert.Equal(plain.Title, descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(plain.MessageFormat, descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
