using System;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;
using Xunit;
using static PolyChat.Protocol.Tests.Receiving.ReceiverFrames;

namespace PolyChat.Protocol.Tests.Receiving;

/// <summary>
/// The inbound side of a session (PROTOCOL.md §1b, §4b, §4c): frames in arrival order in, every event once and
/// in <c>sequence</c> order out, batches flattened, bad frames reported without disturbing the session.
/// </summary>
public class EventReceiverTests
{
    [Fact]
    public void InOrderFramesAreDeliveredInOrder()
    {
        var receiver = NewReceiver();

        for (long sequence = 1; sequence <= 4; sequence++)
        {
            Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Message(sequence)));
        }

        Assert.Equal("m1, m2, m3, m4", receiver.Drain().Render());
        Assert.Equal(4, receiver.Cursor);
        Assert.Equal(4, receiver.Counters.Delivered);
        Assert.Equal(0, receiver.InvalidFrames);
    }

    [Fact]
    public void EachFrameIsReadyAsSoonAsItIsReceived()
    {
        var receiver = NewReceiver();

        receiver.Receive(Message(1));
        Assert.Equal("m1", receiver.Drain().Render());
        receiver.Receive(Message(2));
        Assert.Equal("m2", receiver.Drain().Render());
        Assert.Empty(receiver.Drain());
    }

    [Fact]
    public void AFrameWithAnIdAlreadySeenIsADuplicate()
    {
        var receiver = NewReceiver();
        receiver.Receive(Message(1));
        receiver.Receive(Message(3));

        Assert.Equal(FrameOutcome.Duplicate, receiver.Receive(Message(1)));
        Assert.Equal(FrameOutcome.Duplicate, receiver.Receive(Message(3)));

        receiver.Receive(Message(2));
        Assert.Equal("m1, m2, m3", receiver.Drain().Render());
        Assert.Equal(2, receiver.Counters.DuplicatesDropped);
        Assert.Equal(3, receiver.Counters.Delivered);
    }

    [Fact]
    public void ARepeatedTransientFrameIsADuplicate()
    {
        var receiver = NewReceiver();

        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Typing("agent_17", 900)));
        Assert.Equal(FrameOutcome.Duplicate, receiver.Receive(Typing("agent_17", 900)));
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Typing("agent_17", 901)));

        Assert.Equal("typing:agent_17, typing:agent_17", receiver.Drain().Render());
        Assert.Equal(0, receiver.Cursor);
        Assert.Equal(1, receiver.Counters.DuplicatesDropped);
    }

    [Fact]
    public void AFrameAtOrBelowTheCursorWithANewIdIsStale()
    {
        var receiver = NewReceiver();
        receiver.Receive(Message(1));
        receiver.Receive(Message(2));
        receiver.Receive(Message(3));
        receiver.Drain();

        Assert.Equal(FrameOutcome.Stale, receiver.Receive(Message(2, id: Id(0xbad))));
        Assert.Equal(FrameOutcome.Stale, receiver.Receive(Message(3, id: "evt-three")));

        Assert.Empty(receiver.Drain());
        Assert.Equal(2, receiver.Counters.StaleDropped);
        Assert.Equal(0, receiver.Counters.DuplicatesDropped);
        Assert.Equal(3, receiver.Cursor);
    }

    [Fact]
    public void AReceiverStartedAtACursorTreatsEarlierEventsAsStale()
    {
        var receiver = new EventReceiver(new SequencerOptions { InitialCursor = 10 }, new FakeTimeProvider());

        Assert.Equal(FrameOutcome.Stale, receiver.Receive(Message(10)));
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Message(11)));

        Assert.Equal("m11", receiver.Drain().Render());
        Assert.Equal(11, receiver.Cursor);
    }

    [Fact]
    public void MalformedJsonIsInvalidAndTheSessionGoesOn()
    {
        var receiver = NewReceiver();
        receiver.Receive(Message(1));
        string truncated = Message(2)[..^12];

        FrameOutcome outcome = receiver.Receive(Encoding.UTF8.GetBytes(truncated), out PolyChatJsonException? error);

        Assert.Equal(FrameOutcome.Invalid, outcome);
        Assert.NotNull(error);
        Assert.StartsWith("$.payload", error.Path, StringComparison.Ordinal);
        Assert.InRange(error.BytePosition, truncated.IndexOf("\"payload\"", StringComparison.Ordinal), truncated.Length);
        Assert.Equal(1, receiver.InvalidFrames);

        Assert.Equal(FrameOutcome.Invalid, receiver.Receive(Encoding.UTF8.GetBytes("<html>502 Bad Gateway</html>"), out PolyChatJsonException? garbage));
        Assert.NotNull(garbage);
        Assert.Equal(0, garbage.BytePosition);
        Assert.Equal(2, receiver.InvalidFrames);

        // The bad frames changed nothing: sequence 2 is still the next one, and its good copy goes through.
        Assert.Equal(1, receiver.Cursor);
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Message(2)));
        Assert.Equal("m1, m2", receiver.Drain().Render());
        Assert.Equal(2, receiver.Counters.Delivered);
        Assert.Equal(0, receiver.Counters.DuplicatesDropped);
    }

    [Fact]
    public void AFrameMissingARequiredPayloadFieldIsInvalidAndChangesNothing()
    {
        var receiver = NewReceiver();
        receiver.Receive(Message(1));
        string withoutText = $$$"""{"id":"{{{Id(2)}}}","sequence":2,"type":"EVENT_TYPE_USER_MESSAGE","payload":{"message_id":"u2"}}""";

        FrameOutcome outcome = receiver.Receive(Encoding.UTF8.GetBytes(withoutText), out PolyChatJsonException? error);

        Assert.Equal(FrameOutcome.Invalid, outcome);
        Assert.NotNull(error);
        Assert.StartsWith("$.payload", error.Path, StringComparison.Ordinal);
        Assert.Contains("'text'", error.Reason, StringComparison.Ordinal);
        Assert.InRange(error.BytePosition, withoutText.IndexOf("{\"message_id\"", StringComparison.Ordinal), withoutText.Length - 1);
        Assert.Equal(1, receiver.InvalidFrames);

        // The same id arriving valid is not taken for a duplicate of the rejected frame.
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Message(2)));
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Message(3)));
        Assert.Equal("m1, m2, m3", receiver.Drain().Render());
        Assert.Equal(1, receiver.InvalidFrames);
    }

    /// <summary>The path of a missing-property error names the object that lacks the property, not a sibling that is fine.</summary>
    [Fact]
    public void AMissingRequiredFieldIsLocatedAtTheObjectThatLacksIt()
    {
        var receiver = NewReceiver();
        string withoutText = $$$"""{"id":"{{{Id(1)}}}","sequence":1,"type":"EVENT_TYPE_USER_MESSAGE","payload":{"message_id":"u1"}}""";
        string withoutPayload = $$$"""{"id":"{{{Id(1)}}}","sequence":1,"type":"EVENT_TYPE_USER_MESSAGE"}""";

        Assert.Equal(FrameOutcome.Invalid, receiver.Receive(Encoding.UTF8.GetBytes(withoutText), out PolyChatJsonException? missingText));
        Assert.Equal(FrameOutcome.Invalid, receiver.Receive(Encoding.UTF8.GetBytes(withoutPayload), out PolyChatJsonException? missingPayload));

        Assert.Equal(withoutText.Length - 2, missingText!.BytePosition);
        Assert.Equal("$.payload", missingText.Path);
        Assert.Equal(withoutPayload.Length - 1, missingPayload!.BytePosition);
        Assert.Equal("$", missingPayload.Path);
    }

    [Fact]
    public void ABatchIsFlattenedInSequenceOrderWithTransientsLastAndDuplicatesDropped()
    {
        var receiver = NewReceiver();
        receiver.Receive(Message(1));
        receiver.Receive(Message(2));
        Assert.Equal("m1, m2", receiver.Drain().Render());

        FrameOutcome outcome = receiver.Receive(Batch(
            Typing("agent_17", 900),
            Message(5),
            Message(2),
            Message(4),
            Typing("agent_42", 901),
            Message(3)));

        Assert.Equal(FrameOutcome.Accepted, outcome);
        Assert.Equal("m3, m4, m5, typing:agent_17, typing:agent_42", receiver.Drain().Render());
        Assert.Equal(1, receiver.Counters.DuplicatesDropped);
        Assert.Equal(7, receiver.Counters.Delivered);
        Assert.Equal(5, receiver.Cursor);
    }

    [Fact]
    public void TheBatchWrappersOwnEnvelopeIsIgnored()
    {
        var receiver = NewReceiver();
        receiver.Receive(Message(1));
        receiver.Drain();

        // A wrapper whose id and sequence repeat a delivered event is not itself a duplicate or stale.
        string wrapper = $$$"""{"id":"{{{Id(1)}}}","sequence":1,"type":"EVENT_TYPE_EVENT_BATCH","payload":{"events":[{{{Message(2)}}},{{{Message(3)}}}]}}""";

        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(wrapper));
        Assert.Equal("m2, m3", receiver.Drain().Render());
        Assert.Equal(3, receiver.Cursor);
    }

    [Fact]
    public void AReplayOverlappingLiveTrafficDeliversEveryEventOnceInOrder()
    {
        var receiver = NewReceiver();
        var delivered = new System.Collections.Generic.List<SequencerOutput<Event>>();

        // Live 1..5, then the socket drops and the reconnect replays 3..8 while live traffic resumes at 7.
        for (long sequence = 1; sequence <= 5; sequence++)
        {
            Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Message(sequence)));
        }

        delivered.AddRange(receiver.Drain());
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Batch(Message(3), Message(4), Message(5), Message(6), Message(7), Message(8))));
        delivered.AddRange(receiver.Drain());
        Assert.Equal(FrameOutcome.Duplicate, receiver.Receive(Message(7)));
        Assert.Equal(FrameOutcome.Duplicate, receiver.Receive(Message(8)));
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Message(9)));
        delivered.AddRange(receiver.Drain());

        Assert.Equal("m1, m2, m3, m4, m5, m6, m7, m8, m9", delivered.Render());
        Assert.Equal(9, receiver.Cursor);
        Assert.Equal(new SequencerCounters(Delivered: 9, DuplicatesDropped: 5, StaleDropped: 0, GapsDeclared: 0, MaxHeld: 0, Held: 0), receiver.Counters);
    }

    [Fact]
    public void AReplayArrivingBeforeTheLiveEventsItCoversFillsTheGap()
    {
        var receiver = NewReceiver();
        receiver.Receive(Message(1));
        receiver.Receive(Message(4));
        receiver.Receive(Message(5));
        Assert.Equal("m1", receiver.Drain().Render());

        receiver.Receive(Batch(Message(2), Message(3), Message(4)));

        Assert.Equal("m2, m3, m4, m5", receiver.Drain().Render());
        Assert.Equal(5, receiver.Cursor);
        Assert.Equal(1, receiver.Counters.DuplicatesDropped);
    }

    [Fact]
    public void ALostEventBecomesAGapOnFlushFollowedByTheHeldEvents()
    {
        var receiver = NewReceiver();
        receiver.Receive(Message(1));
        receiver.Receive(Message(2));
        receiver.Receive(Message(4));
        receiver.Receive(Message(5));

        Assert.Equal("m1, m2", receiver.Drain().Render());
        Assert.Equal(2, receiver.Cursor);
        Assert.Equal(2, receiver.Counters.Held);

        receiver.Flush();

        var outputs = receiver.Drain();
        Assert.Equal("gap 3..3 Flush, m4, m5", outputs.Render());
        Assert.Equal(3, outputs[0].Gap.FirstMissing);
        Assert.Equal(3, outputs[0].Gap.LastMissing);
        Assert.Equal(5, receiver.Cursor);
        Assert.Equal(1, receiver.Counters.GapsDeclared);
        Assert.Equal(0, receiver.Counters.Held);

        // The lost event turning up after the gap was declared is stale: the application was told it is missing.
        Assert.Equal(FrameOutcome.Stale, receiver.Receive(Message(3)));
        Assert.Empty(receiver.Drain());
    }

    [Fact]
    public void ALostRunTimesOutIntoAGapOnPoll()
    {
        var time = new FakeTimeProvider();
        var receiver = new EventReceiver(new SequencerOptions { GapTimeout = TimeSpan.FromSeconds(5) }, time);
        receiver.Receive(Message(1));
        receiver.Receive(Message(5));
        Assert.Equal("m1", receiver.Drain().Render());

        time.Advance(TimeSpan.FromSeconds(4));
        receiver.Poll();
        Assert.Empty(receiver.Drain());

        time.Advance(TimeSpan.FromSeconds(1));
        receiver.Poll();
        Assert.Equal("gap 2..4 Timeout, m5", receiver.Drain().Render());
        Assert.Equal(5, receiver.Cursor);
    }

    [Fact]
    public void TheCursorIsTheLastDeliveredSequence()
    {
        var receiver = NewReceiver();
        Assert.Equal(0, receiver.Cursor);

        receiver.Receive(Message(1));
        Assert.Equal(1, receiver.Cursor);

        receiver.Receive(Message(3));
        Assert.Equal(1, receiver.Cursor);

        receiver.Receive(Typing("agent_17", 900));
        Assert.Equal(1, receiver.Cursor);

        receiver.Receive(Message(2));
        Assert.Equal(3, receiver.Cursor);
        Assert.Equal("m1, typing:agent_17, m2, m3", receiver.Drain().Render());
    }

    [Fact]
    public void AnUnknownEventTypeIsDeliveredNotRejected()
    {
        var receiver = NewReceiver();
        string csat = $$$"""{"id":"{{{Id(1)}}}","sequence":1,"timestamp":"2026-05-20T09:20:00Z","type":"EVENT_TYPE_SHOW_CSAT_REQUEST","payload":{"scale":5}}""";

        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(csat));
        Assert.Equal(FrameOutcome.Accepted, receiver.Receive(Message(2)));

        var outputs = receiver.Drain();
        Assert.Equal(2, outputs.Count);
        var unknown = Assert.IsType<UnknownEvent>(outputs[0].Event);
        Assert.Equal("EVENT_TYPE_SHOW_CSAT_REQUEST", unknown.Type.Value);
        Assert.Equal(1, outputs[0].Sequence);
        Assert.Equal(2, receiver.Cursor);
    }

    private static EventReceiver NewReceiver() => new(new SequencerOptions(), new FakeTimeProvider());
}
