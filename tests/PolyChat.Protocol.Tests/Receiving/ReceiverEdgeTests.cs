using System.Collections.Generic;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;
using Xunit;
using static PolyChat.Protocol.Tests.Receiving.ReceiverFrames;

namespace PolyChat.Protocol.Tests.Receiving;

/// <summary>
/// Edges of the receiver that mutation testing found unchecked: the exact frame-size and report bounds, the highest
/// sequence of a batch, and who is told of an arriving event.
/// </summary>
public class ReceiverEdgeTests
{
    [Fact]
    public void AFrameOfExactlyTheLimitIsReadAndOneByteMoreIsNot()
    {
        var frame = Message(1);
        var receiver = new EventReceiver(new SequencerOptions(), new FakeTimeProvider()) { MaxFrameBytes = Encoding.UTF8.GetByteCount(frame) };

        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(frame));
        Assert.Equal(FrameOutcome.Invalid, receiver.Receive(Message(2) + " "));

        Assert.Equal("m1", receiver.Drain().Render());
        Assert.Equal(1, receiver.InvalidFrames);
    }

    [Fact]
    public void ExactlyMaxPendingRejectionsReportsWaitAndTheOldestGoFirst()
    {
        var receiver = NewReceiver();
        for (var i = 0; i <= EventReceiver.MaxPendingRejections; i++)
        {
            Assert.Equal(FrameOutcome.Invalid, receiver.Receive(i == 0 ? "{" : "[]"));
        }

        var reports = new List<RejectedEvent>();
        while (receiver.TryTakeRejected(out var report))
        {
            reports.Add(report);
        }

        Assert.Equal(EventReceiver.MaxPendingRejections, reports.Count);
        Assert.Equal(EventReceiver.MaxPendingRejections + 1, receiver.InvalidFrames);
    }

    [Fact]
    public void TheHighestSequenceOfABatchIsKeptWhateverTheOrderOfItsEvents()
    {
        var receiver = NewReceiver();

        receiver.Receive(Batch(Message(3), Message(1), Typing("agent_1", 90), Message(2)));
        Assert.Equal(3, receiver.LastBatchHighestSequence);

        receiver.Receive(Message(4));
        Assert.Equal(0, receiver.LastBatchHighestSequence);
    }

    [Fact]
    public void EveryReadEventIsToldOnArrivalButAnUnreadableOneIsNot()
    {
        var receiver = NewReceiver();
        var arrived = new List<long?>();
        receiver.Arrived = e => arrived.Add(e.Sequence);
        var unreadable =
            $$$"""{"id":"{{{Id(2)}}}","sequence":2,"timestamp":"2026-05-20T09:15:41Z","type":"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK","payload":{}}""";

        receiver.Receive(Batch(Message(1), unreadable, Message(3)));
        receiver.Receive(Message(5));

        Assert.Equal([1, 3, 5], arrived);
    }

    [Fact]
    public void ABatchWhoseWrapperIsBadButWhoseEventsAreGoodIsInvalidWhole()
    {
        // Every inner event reads on its own: the fault is the wrapper's, so no event is taken from the frame.
        var receiver = NewReceiver();
        var frame = $$$"""{"timestamp":"not a time","type":"EVENT_TYPE_EVENT_BATCH","payload":{"events":[{{{Message(1)}}},{{{Message(2)}}}]}}""";

        Assert.Equal(FrameOutcome.Invalid, receiver.Receive(frame));

        Assert.Empty(receiver.Drain());
        Assert.Equal(1, receiver.InvalidFrames);
        Assert.Equal(0, receiver.InvalidEvents);
    }

    [Fact]
    public void ManyEventsWithoutASequenceInOneBatchKeepTheirOrder()
    {
        // More than 16, where List.Sort stops being stable: ties are broken by position in the batch.
        var typing = new string[20];
        for (var i = 0; i < typing.Length; i++)
        {
            typing[i] = Typing("agent_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), 100 + i);
        }

        var receiver = NewReceiver();
        receiver.Receive(Batch(typing));

        var expected = new string[typing.Length];
        for (var i = 0; i < expected.Length; i++)
        {
            expected[i] = "typing:agent_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.Equal(string.Join(", ", expected), receiver.Drain().Render());
    }

    [Fact]
    public void AnEventRememberedWithASequenceDropsItsSequencedCopy()
    {
        var receiver = NewReceiver();
        receiver.Remember(Id(2), 2);

        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Message(1)));
        Assert.Equal(FrameOutcome.Duplicate, receiver.Receive(Message(2)));
        Assert.Equal("m1", receiver.Drain().Render());
    }

    [Fact]
    public void AnEventRememberedWithoutASequenceDropsItsTransientCopy()
    {
        var receiver = NewReceiver();
        receiver.Remember(Id(7), null);

        Assert.Equal(FrameOutcome.Duplicate, receiver.Receive(Typing("agent_1", 7)));
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Message(1, Id(7))));
        Assert.Equal("m1", receiver.Drain().Render());
    }

    private static EventReceiver NewReceiver() => new(new SequencerOptions(), new FakeTimeProvider());
}
