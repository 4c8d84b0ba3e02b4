using System.Text;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;
using Xunit;
using static PolyChat.Protocol.Tests.Receiving.ReceiverFrames;

namespace PolyChat.Protocol.Tests.Receiving;

/// <summary>
/// One bad inner event must not lose a replay batch (PROTOCOL.md §4c: each inner event is a complete event with its
/// own envelope; §1b: ids and sequences are the server's). The rest is delivered, the bad one is reported with its
/// index and path, and a readable sequence counts as consumed, not as a gap.
/// </summary>
public class BatchResilienceTests
{
    // A chunk with an empty payload in second place: without message_id and chunk_index (§4d: group by message_id,
    // order by chunk_index) it cannot be placed, so it stays unreadable. (An empty POLY_AGENT_MESSAGE, the issue's
    // first example, now reads with null fields: see AnEmptyChunkInABatchIsDelivered.)
    private static readonly string EmptyChunk =
        $$$"""{"id":"{{{Id(2)}}}","sequence":2,"timestamp":"2026-05-20T09:15:41Z","type":"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK","payload":{}}""";

    [Fact]
    public void ABadMiddleEventIsReportedAndTheOthersAreDeliveredWithoutAGap()
    {
        // §4c: the batch's events are complete on their own; §1b: sequence 2 was sent, so it is no gap (our reading).
        var receiver = NewReceiver();

        var outcome = receiver.Receive(Encoding.UTF8.GetBytes(Batch(Message(1), EmptyChunk, Message(3))), out var error);

        Assert.Equal(FrameOutcome.PartiallyAccepted, outcome);
        Assert.Null(error);
        Assert.Equal("m1, m3", receiver.Drain().Render());
        Assert.Equal(3, receiver.Cursor);
        Assert.Equal(0, receiver.Counters.GapsDeclared);
        Assert.Equal(2, receiver.Counters.Delivered);
        Assert.Equal(0, receiver.Counters.Held);
        Assert.Equal(0, receiver.InvalidFrames);
        Assert.Equal(1, receiver.InvalidEvents);

        Assert.True(receiver.TryTakeRejected(out var rejected));
        Assert.Equal(1, rejected.BatchIndex);
        Assert.Equal(2, rejected.Sequence);
        Assert.Equal(Id(2), rejected.Id.ToString());
        Assert.StartsWith("$.payload.events[1].payload", rejected.Error.Path, System.StringComparison.Ordinal);
        Assert.Contains("message_id", rejected.Error.Reason, System.StringComparison.Ordinal);
        var frame = Batch(Message(1), EmptyChunk, Message(3));
        Assert.InRange(rejected.Error.BytePosition, frame.IndexOf(EmptyChunk, System.StringComparison.Ordinal), frame.IndexOf(Message(3), System.StringComparison.Ordinal));
        Assert.False(receiver.TryTakeRejected(out _));

        // Nothing is waiting for sequence 2: a flush declares no gap, and the next live event follows at once.
        receiver.Flush();
        Assert.Empty(receiver.Drain());
        receiver.Receive(Message(4));
        Assert.Equal("m4", receiver.Drain().Render());
    }

    [Fact]
    public void AnEmptyAgentMessageInABatchIsDelivered()
    {
        // §3a lists message_id and text, but nothing guarantees them, and PolyAI's SDK decoders default what is
        // missing: the event is delivered with null fields, nothing invented, nothing reported.
        var receiver = NewReceiver();
        var empty = $$$"""{"id":"{{{Id(2)}}}","sequence":2,"timestamp":"2026-05-20T09:15:41Z","type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{}}""";

        var outcome = receiver.Receive(Encoding.UTF8.GetBytes(Batch(Message(1), empty, Message(3))), out _);

        Assert.Equal(FrameOutcome.Accepted, outcome);
        var delivered = receiver.Drain();
        Assert.Equal(3, delivered.Count);
        var message = Assert.IsType<PolyAgentMessageEvent>(delivered[1].Event);
        Assert.Null(message.Payload.MessageId);
        Assert.Null(message.Payload.Text);
        Assert.False(receiver.TryTakeRejected(out _));
    }

    [Fact]
    public void SeveralBadEventsAreEachReportedWithTheirOwnIndexAndPath()
    {
        // §4c, and our API: a frame can carry several rejections, one report each.
        var receiver = NewReceiver();
        var badText = $$$"""{"id":"{{{Id(3)}}}","sequence":3,"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":42}}""";

        var outcome = receiver.Receive(Batch(Message(1), EmptyChunk, badText, Message(4)));

        Assert.Equal(FrameOutcome.PartiallyAccepted, outcome);
        Assert.Equal("m1, m4", receiver.Drain().Render());
        Assert.True(receiver.TryTakeRejected(out var first));
        Assert.True(receiver.TryTakeRejected(out var second));
        Assert.Equal(1, first.BatchIndex);
        Assert.Equal(2, second.BatchIndex);
        Assert.Equal("$.payload.events[2].payload.text", second.Error.Path);
        Assert.Equal(0, receiver.Counters.GapsDeclared);
    }

    [Fact]
    public void ABadEventWhoseSequenceCannotBeReadLeavesAGapThatIsDeclared()
    {
        // §1b: without a readable sequence nothing says the hole was sent; it stays a gap (declared on flush).
        var receiver = NewReceiver();
        var noEnvelope = """{"id":"x","sequence":"two","type":"EVENT_TYPE_POLY_AGENT_MESSAGE","payload":{}}""";

        Assert.Equal(FrameOutcome.PartiallyAccepted, receiver.Receive(Batch(Message(1), noEnvelope, Message(3))));
        Assert.True(receiver.TryTakeRejected(out var rejected));
        Assert.Null(rejected.Sequence);
        Assert.Equal("$.payload.events[1].sequence", rejected.Error.Path);

        receiver.Flush();
        Assert.Equal("m1, gap 2..2 Flush, m3", receiver.Drain().Render());
    }

    [Fact]
    public void ABadEventWithoutATypeButWithASequenceStillConsumesIt()
    {
        // §1b/§4c: id and sequence are readable even though the type is missing, so sequence 2 was sent (our reading).
        var receiver = NewReceiver();
        var noType = $$$"""{"id":"{{{Id(2)}}}","sequence":2,"payload":{"text":"?"}}""";

        Assert.Equal(FrameOutcome.PartiallyAccepted, receiver.Receive(Batch(Message(1), noType, Message(3))));

        Assert.Equal("m1, m3", receiver.Drain().Render());
        Assert.True(receiver.TryTakeRejected(out var rejected));
        Assert.Equal(2, rejected.Sequence);
        Assert.Equal(Id(2), rejected.Id.ToString());
        Assert.Contains("type", rejected.Error.Reason, System.StringComparison.Ordinal);
        receiver.Flush();
        Assert.Empty(receiver.Drain());
        Assert.Equal(0, receiver.Counters.GapsDeclared);
    }

    [Fact]
    public void ABatchThatIsNotWellFormedIsStillRejectedWhole()
    {
        // §4c: the SDK drops a batch whose events array is malformed; a frame we cannot parse says nothing reliable.
        var receiver = NewReceiver();
        var truncated = Batch(Message(1), Message(2))[..^3];

        var outcome = receiver.Receive(Encoding.UTF8.GetBytes(truncated), out var error);

        Assert.Equal(FrameOutcome.Invalid, outcome);
        Assert.NotNull(error);
        Assert.Empty(receiver.Drain());
        Assert.Equal(1, receiver.InvalidFrames);
        Assert.True(receiver.TryTakeRejected(out var rejected));
        Assert.Null(rejected.BatchIndex);
        Assert.Same(error, rejected.Error);
    }

    [Fact]
    public void ABatchWithoutAnEventsArrayIsRejectedWhole()
    {
        // §4c: payload.events is the batch; without it there is nothing to deliver.
        var receiver = NewReceiver();

        Assert.Equal(FrameOutcome.Invalid, receiver.Receive("""{"type":"EVENT_TYPE_EVENT_BATCH","payload":{"events":{}}}"""));
        Assert.Empty(receiver.Drain());
    }

    [Fact]
    public void ALiveTypingWithoutStateIsDeliveredWithTheStateAbsent()
    {
        // §3a: PolyAI's SDK treats a missing LIVE_AGENT_TYPING state as started; we read it without inventing one.
        var receiver = NewReceiver();
        var typing = $$$"""{"id":"{{{Id(900)}}}","sequence":null,"type":"EVENT_TYPE_LIVE_AGENT_TYPING","payload":{"agent_id":"agent_17"}}""";

        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Batch(Message(1), typing)));

        var outputs = receiver.Drain();
        Assert.Equal("m1, typing:agent_17", outputs.Render());
        var delivered = Assert.IsType<LiveAgentTypingEvent>(outputs[1].Event);
        Assert.Null(delivered.Payload.State);
    }

    private static EventReceiver NewReceiver() => new(new SequencerOptions(), new FakeTimeProvider());
}
