using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Streaming;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// Fields the docs do not guarantee are optional in the schema, so an event without them is still delivered, with
/// the field absent (null), never invented (PROTOCOL.md: lenient on input; §3a, §4d). Fields the docs make the
/// content of the event stay required (e.g. §2: USER_MESSAGE <c>text</c>).
/// </summary>
public class LenientPayloadTests
{
    [Fact]
    public void ASessionEndWithoutAReasonIsStillASessionEnd()
    {
        // §3a: nothing follows SESSION_END; losing it for a missing reason would leave the client waiting.
        var end = Assert.IsType<SessionEndEvent>(PolyChatJson.Read("""{"id":"e","sequence":9,"type":"EVENT_TYPE_SESSION_END","payload":{}}"""));

        Assert.Null(end.Payload.Reason);
        Assert.Equal("""{"id":"e","sequence":9,"type":"EVENT_TYPE_SESSION_END","payload":{}}""", PolyChatJson.Write(end));
    }

    [Fact]
    public void ASystemMessageWithoutLevelOrTextIsDeliveredWithBothAbsent()
    {
        // §3a/§6: the docs give level and message but never promise them; PolyAI's SDK reads an unknown level as INFO,
        // we leave it null rather than invent one.
        var system = Assert.IsType<SystemMessageEvent>(PolyChatJson.Read("""{"type":"EVENT_TYPE_SYSTEM_MESSAGE","payload":{}}"""));

        Assert.Null(system.Payload.Level);
        Assert.Null(system.Payload.Message);
        Assert.Equal(SystemErrorKind.Unrecognised, SystemErrors.Classify(system.Payload.Message));
    }

    [Fact]
    public void AFinalChunkWithoutTextOrCompletionFlagReadsAndAssembles()
    {
        // §4d: the final chunk may have empty text; proto3 JSON leaves out empty strings and false. Absent text adds
        // nothing, absent is_complete never claims completion.
        var assembler = new MessageStreamAssembler();
        var first = Assert.IsType<PolyAgentMessageChunkEvent>(PolyChatJson.Read(
            """{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK","payload":{"message_id":"m","text":"Hi","chunk_index":1}}"""));
        var last = Assert.IsType<PolyAgentMessageChunkEvent>(PolyChatJson.Read(
            """{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK","payload":{"message_id":"m","chunk_index":2,"is_complete":true}}"""));

        Assert.Null(first.Payload.IsComplete);
        Assert.Null(last.Payload.Text);
        Assert.Equal(ChunkResult.Applied, assembler.Add(first, out var open));
        Assert.False(open!.IsComplete);
        Assert.Equal(ChunkResult.Applied, assembler.Add(last, out var done));
        Assert.True(done!.IsComplete);
        Assert.Equal("Hi", done.Text);
    }

    [Theory]
    [InlineData("""{"type":"EVENT_TYPE_USER_MESSAGE","payload":{}}""")]
    [InlineData("""{"type":"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK","payload":{"message_id":"m"}}""")]
    public void FieldsThatAreTheEventsContentStayRequired(string frame)
    {
        // §2: USER_MESSAGE text is required; a chunk without its message_id or index cannot be placed (§4d), and
        // reading one would mean inventing data.
        Assert.Throws<PolyChatJsonException>(() => PolyChatJson.Read(frame));
    }
}
