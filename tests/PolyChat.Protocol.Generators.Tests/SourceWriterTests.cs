using System;
using PolyChat.Protocol.Generators.Helpers;
using PolyChat.Protocol.Generators.Tests.Infrastructure;
using Xunit;

namespace PolyChat.Protocol.Generators.Tests;

/// <summary>
/// The rule is ours (the emitters' convention, issue #18): a template or line given to the writer closes every
/// brace it opens, so a brace is only ever left open by <c>OpenBrace</c> and closed in the method that opened it.
/// </summary>
public sealed class SourceWriterTests
{
    [Fact]
    public void TemplateThatLeavesABraceOpenIsRefused()
    {
        var writer = new SourceWriter();

        // The shape emitters used to have: a template ending in an open switch, closed by CloseBrace elsewhere.
        var error = Assert.Throws<InvalidOperationException>(() => writer.WriteBlock("""
            var eventCase = -1;
            switch (eventCase)
            {
            """));

        Assert.Contains("'{' on line 3 is not closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TemplateThatClosesABraceItDidNotOpenIsRefused()
    {
        var writer = new SourceWriter();
        writer.OpenBrace();

        // As many '}' as '{', but the first closes the caller's brace.
        var error = Assert.Throws<InvalidOperationException>(() => writer.WriteBlock("""
                return;
            }

            private void Next()
            {
            """));

        Assert.Contains("'}' on line 2 closes a brace the fragment did not open", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("}")]
    [InlineData("switch (value) {")]
    public void LineThatOpensOrClosesABraceIsRefused(string line)
    {
        var writer = new SourceWriter();
        writer.OpenBrace();

        Assert.Throws<InvalidOperationException>(() => writer.WriteLine(line));
    }

    [Theory]
    [InlineData("var text = \"{\";")]
    [InlineData("var text = \"\\\"}\";")]
    [InlineData("var brace = '{';")]
    [InlineData("var quote = '\\''; var brace = '}';")]
    [InlineData("var text = @\"\"\"{\";")]
    [InlineData("var text = $\"{{{value}}}\";")]
    [InlineData("var text = $\"{(flag ? \"}\" : \"{\")}\";")]
    [InlineData("var text = $@\"{value} }}\";")]
    [InlineData("var text = \"\"\"{ \"quoted\" }\"\"\"u8;")]
    [InlineData("return value; // the caller's }")]
    [InlineData("/* { */ return value;")]
    [InlineData("if (value is { } present) { return present; }")]
    public void BracesInLiteralsAndCommentsAreText(string line)
    {
        var writer = new SourceWriter();

        writer.WriteLine(line);

        Assert.Equal(line + "\n", writer.ToString());
    }

    [Fact]
    public void UnterminatedLiteralEndsWithItsLine()
    {
        var writer = new SourceWriter();

        // Otherwise the stray brace on the next line would hide inside the literal.
        Assert.Throws<InvalidOperationException>(() => writer.WriteBlock("var text = \"open\n}"));
    }

    [Fact]
    public void BalancedTemplateIsIndentedInsideOpenBrace()
    {
        var writer = new SourceWriter();
        writer.WriteLine("class C");
        writer.OpenBrace();
        writer.WriteBlock("""
            void M()
            {
            }

            int P => 1;
            """);
        writer.CloseBrace();

        Assert.Equal("class C\n{\n    void M()\n    {\n    }\n\n    int P => 1;\n}\n", writer.ToString());
    }

    [Fact]
    public void EveryGeneratedFileBalances()
    {
        // Cross-checks the scanner on real emitted code: literals, interpolations, doc comments, u8 strings.
        var run = GeneratorHarness.Run(GeneratorHarness.ReadSchema("polychat.events.schema.json"), "/schemas/polychat.events.schema.json");

        Assert.NotEmpty(run.Sources);
        Assert.All(run.Sources, source => Assert.Null(BraceBalance.FindProblem(source.Value)));
    }
}
