using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>The comparer the round-trip tests rely on must itself catch real differences.</summary>
public sealed class JsonSemanticsTests
{
    [Theory]
    [InlineData("""{"a":1,"b":"x"}""", """{"b":"x","a":1}""")]
    [InlineData("""{"n":1}""", """{"n":1.0}""")]
    [InlineData("""{"n":100}""", """{"n":1e2}""")]
    [InlineData("""{"a":1,"b":null}""", """{"b":null,"a":1}""")]
    [InlineData("""[]""", """[]""")]
    public void Documents_that_mean_the_same_are_equivalent(string expected, string actual) =>
        Assert.Null(JsonSemantics.FirstDifference(expected, actual));

    [Theory]
    [InlineData("""{"a":1}""", """{"a":2}""", "$.a")]
    [InlineData("""{"a":"x"}""", """{"a":"X"}""", "$.a")]
    [InlineData("""{"a":"1"}""", """{"a":1}""", "$.a")]
    [InlineData("""{"a":true}""", """{"a":false}""", "$.a")]
    [InlineData("""{"a":{}}""", """{"a":[]}""", "$.a")]
    [InlineData("""{"a":1}""", """{}""", "$.a")]
    [InlineData("""{}""", """{"extra":0}""", "$.extra")]
    [InlineData("""{"p":{"q":[1,2]}}""", """{"p":{"q":[2,1]}}""", "$.p.q[0]")]
    [InlineData("""{"p":{"q":[1,2]}}""", """{"p":{"q":[1,2,3]}}""", "$.p.q")]
    [InlineData("""{"p":[{"x":1},{"x":1}]}""", """{"p":[{"x":1},{"x":2}]}""", "$.p[1].x")]
    [InlineData("""{"a b":1}""", """{"a b":2}""", "$['a b']")]
    // Null is not absent: the round-trip tests must see where the library writes or drops a null.
    [InlineData("""{"a":1,"b":null}""", """{"a":1}""", "$.b")]
    [InlineData("""{"a":1}""", """{"a":1,"b":null}""", "$.b")]
    [InlineData("""{"o":{"x":[1,{"y":null}]}}""", """{"o":{"x":[1,{}]}}""", "$.o.x[1].y")]
    [InlineData("""{"a":null}""", """{"a":0}""", "$.a")]
    public void A_difference_is_reported_with_the_path_of_the_first_mismatch(string expected, string actual, string path)
    {
        var difference = JsonSemantics.FirstDifference(expected, actual);

        Assert.NotNull(difference);
        Assert.StartsWith(path + ":", difference);
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""", """{"a":2}""", "$.a")]
    [InlineData("""{"a":2}""", """{"a":1,"a":2}""", "$.a")]
    [InlineData("""{"p":{"x":null,"x":null}}""", """{"p":{"x":null,"x":null}}""", "$.p.x")]
    public void A_repeated_key_is_a_difference_not_a_last_one_wins(string expected, string actual, string path)
    {
        var difference = JsonSemantics.FirstDifference(expected, actual);
        Assert.NotNull(difference);
        Assert.StartsWith(path + ":", difference);
        Assert.Contains("repeats the key", difference);
    }

    [Fact]
    public void AssertEquivalent_fails_on_a_difference()
    {
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => JsonSemantics.AssertEquivalent("""{"a":{"b":1}}""", """{"a":{"b":2}}"""));

        Assert.Contains("$.a.b", failure.Message, System.StringComparison.Ordinal);
    }
}
