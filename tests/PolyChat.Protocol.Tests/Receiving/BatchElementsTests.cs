using System.Linq;
using System.Text;
using PolyChat.Protocol.Receiving;
using Xunit;

namespace PolyChat.Protocol.Tests.Receiving;

/// <summary>
/// <c>BatchElements.Find</c>, the fallback reader that finds each element of a batch's <c>payload.events</c> so that
/// each can be read on its own: which <c>events</c> it takes, what it skips, and that the whole frame must be
/// well-formed.
/// </summary>
public class BatchElementsTests
{
    [Fact]
    public void FindsEachElementOfPayloadEvents()
    {
        Assert.Equal(Elements("{\"a\":[1,{}]}", "2", "\"x\""), Find("""{"type":"T","payload":{"events":[{"a":[1,{}]},2,"x"]}}"""));
        Assert.Equal(Elements(), Find("""{"payload":{"events":[]}}"""));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"payload":{"events":[1]}}]""")]
    [InlineData("\"payload\"")]
    [InlineData("""{"type":"T"}""")]
    [InlineData("""{"payload":{"x":1}}""")]
    [InlineData("""{"payload":[{"events":[1]}]}""")]
    [InlineData("""{"payload":{"events":{"a":1}}}""")]
    public void AFrameWithoutAPayloadEventsArrayHasNone(string frame) => Assert.Null(Find(frame));

    [Fact]
    public void EventsOutsideThePayloadAreNotTaken()
    {
        Assert.Null(Find("""{"events":[1],"type":"T"}"""));
        Assert.Null(Find("""{"meta":{"events":[1]},"payload":{"x":1}}"""));
        Assert.Null(Find("""{"type":"T","events":[1]}"""));
    }

    [Fact]
    public void ValuesBesideTheEventsAreSkippedWhole()
    {
        // Nested objects and arrays holding "payload" and "events" keys of their own, before the real ones.
        Assert.Equal(Elements("3"), Find("""{"meta":{"payload":{"events":[1]}},"payload":{"meta":{"events":[2]},"events":[3]}}"""));
        Assert.Equal(Elements("3"), Find("""{"meta":[{"payload":{"events":[1]}}],"payload":{"list":[{"events":[2]}],"events":[3]}}"""));
        Assert.Equal(Elements("1"), Find("""{"payload":{"events":[1],"after":{"x":{"events":[2]}}},"type":"T"}"""));
    }

    [Fact]
    public void OfSeveralPayloadKeysTheLastWithEventsCounts()
    {
        Assert.Equal(Elements("2", "3"), Find("""{"payload":{"events":[1]},"payload":{"events":[2,3]}}"""));
        Assert.Equal(Elements("1"), Find("""{"payload":{"events":[1]},"payload":{"x":1}}"""));
        Assert.Equal(Elements("1"), Find("""{"payload":{"events":[1]},"payload":[2]}"""));
        Assert.Equal(Elements("2"), Find("""{"payload":{"events":[1],"events":[2]}}"""));
    }

    [Theory]
    [InlineData("""{"payload":{"events":[1]}} {}""")]
    [InlineData("""{"payload":{"events":[1]}}}""")]
    [InlineData("""{"payload":{"events":[1]},""")]
    [InlineData("""{"payload":{"events":[1]},"type":}""")]
    [InlineData("""{"payload":{"events":[1,]}}""")]
    [InlineData("")]
    public void AFrameThatIsNotWellFormedHasNone(string frame) => Assert.Null(Find(frame));

    // The elements' texts joined by " | ", so that a null result and an empty one differ.
    private static string? Find(string frame)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(frame);
        return BatchElements.Find(bytes) is { } ranges
            ? "[" + string.Join(" | ", ranges.Select(range => Encoding.UTF8.GetString(bytes[range]))) + "]"
            : null;
    }

    private static string Elements(params string[] texts) => "[" + string.Join(" | ", texts) + "]";
}
