using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;
using Xunit;

namespace PolyChat.Protocol.Tests.Receiving;

/// <summary>
/// Random sessions on the wire (PROTOCOL.md §4b, §4c): permanent and transient events written with
/// <see cref="PolyChatJson.Write(Event)"/>, sent as single frames and history batches, repeated, reordered within a
/// window and overlapped by replays of earlier slices. Nothing is lost for good, so the receiver owes every event
/// exactly once, permanent ones in sequence order, and no gap.
/// </summary>
[Collection(SerialPropertyCollection.Name)]
public class EventReceiverPropertyTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 20, 9, 15, 0, TimeSpan.Zero);

    private static readonly Gen<Session> Sessions =
        Gen.Select(Gen.Int[1, 120], Gen.Int[0, 25], Gen.Int[0, 60], Gen.Int[0, 40], Gen.Int[1, 8], Gen.Int[0, 4], Gen.Int)
            .Select((permanent, transient, batchPercent, duplicatePercent, window, replays, seed) =>
                new Session(permanent, transient, batchPercent, duplicatePercent, window, replays, seed));

    [Fact]
    public void EveryEventIsDeliveredOnceAndInOrderWithConsistentCounters()
    {
        Sessions.Sample(session =>
        {
            var random = new Random(session.Seed);
            List<Event> timeline = Timeline(session, random);
            List<Unit> units = Traffic(session, timeline, random);

            var receiver = new EventReceiver(new SequencerOptions(), new FakeTimeProvider());
            var outputs = new List<SequencerOutput<Event>>();
            long offered = 0;
            foreach (Unit unit in units)
            {
                FrameOutcome outcome = receiver.Receive(unit.Frame, out PolyChatJsonException? error);
                Assert.True(outcome != FrameOutcome.Invalid, error?.Message);
                offered += unit.EventCount;
                if (random.Next(3) != 0)
                {
                    outputs.AddRange(receiver.Drain());
                }
            }

            outputs.AddRange(receiver.Drain());
            receiver.Flush();
            outputs.AddRange(receiver.Drain());

            Assert.DoesNotContain(outputs, o => o.Kind == SequencerOutputKind.Gap);
            List<SequencerOutput<Event>> permanent = [.. outputs.Where(o => o.Sequence is not null)];
            Assert.Equal(Enumerable.Range(1, session.Permanent).Select(s => (long)s), permanent.Select(o => o.Sequence!.Value));
            Assert.All(permanent, o =>
            {
                var message = Assert.IsType<UserMessageEvent>(o.Event);
                Assert.Equal(o.Sequence, message.Sequence);
                Assert.Equal(ReceiverFrames.Id(o.Sequence!.Value), message.Id);
                Assert.Equal(Text(o.Sequence.Value), message.Payload.Text);
            });

            List<string> transients = [.. outputs.Where(o => o.Sequence is null).Select(o => Assert.IsType<LiveAgentTypingEvent>(o.Event).Payload.AgentId!)];
            Assert.Equal(Enumerable.Range(0, session.Transient).Select(Agent).Order(StringComparer.Ordinal), transients.Order(StringComparer.Ordinal));

            int distinct = session.Permanent + session.Transient;
            SequencerCounters counters = receiver.Counters;
            Assert.Equal(distinct, counters.Delivered);
            Assert.Equal(outputs.Count, counters.Delivered);
            Assert.Equal(offered, counters.Delivered + counters.DuplicatesDropped + counters.StaleDropped);
            Assert.Equal(0, counters.GapsDeclared);
            Assert.Equal(0, counters.Held);
            Assert.Equal(0, receiver.InvalidFrames);
            Assert.Equal(session.Permanent, receiver.Cursor);
        }, iter: 400);
    }

    private static List<Event> Timeline(Session session, Random random)
    {
        var timeline = new List<Event>();
        for (long sequence = 1; sequence <= session.Permanent; sequence++)
        {
            timeline.Add(new UserMessageEvent(new UserMessagePayload { Text = Text(sequence), MessageId = $"u{sequence}" })
            {
                Id = ReceiverFrames.Id(sequence),
                Sequence = sequence,
                Timestamp = Start.AddSeconds(sequence),
            });
        }

        for (int k = 0; k < session.Transient; k++)
        {
            timeline.Insert(random.Next(timeline.Count + 1), new LiveAgentTypingEvent(new LiveAgentTypingPayload
            {
                State = TypingState.Started,
                AgentId = Agent(k),
            })
            {
                Id = ReceiverFrames.Id(1_000_000 + k),
                Timestamp = Start,
            });
        }

        return timeline;
    }

    /// <summary>Live frames and batches in timeline order, then repeats, replays of earlier slices, and local reordering.</summary>
    private static List<Unit> Traffic(Session session, List<Event> timeline, Random random)
    {
        var units = new List<Unit>();
        for (int i = 0; i < timeline.Count;)
        {
            int take = random.Next(100) < session.BatchPercent ? random.Next(1, 7) : 1;
            take = Math.Min(take, timeline.Count - i);
            units.Add(take == 1 && random.Next(4) != 0 ? Single(timeline[i]) : Batch(timeline.GetRange(i, take)));
            i += take;
        }

        for (int i = units.Count - 1; i >= 0; i--)
        {
            if (random.Next(100) < session.DuplicatePercent)
            {
                units.Insert(random.Next(i + 1, units.Count + 1), units[i]);
            }
        }

        for (int r = 0; r < session.Replays; r++)
        {
            int from = random.Next(timeline.Count);
            int count = random.Next(1, timeline.Count - from + 1);
            units.Insert(random.Next(units.Count + 1), Batch(timeline.GetRange(from, count)));
        }

        for (int i = 0; i < units.Count; i++)
        {
            int j = random.Next(i, Math.Min(i + session.Window, units.Count));
            (units[i], units[j]) = (units[j], units[i]);
        }

        return units;
    }

    private static Unit Single(Event value) => new(Encoding.UTF8.GetBytes(PolyChatJson.Write(value)), 1);

    private static Unit Batch(List<Event> events) =>
        new(Encoding.UTF8.GetBytes(PolyChatJson.Write(new EventBatchEvent(new EventBatchPayload { Events = [.. events] }))), events.Count);

    private static string Text(long sequence) => string.Create(CultureInfo.InvariantCulture, $"m{sequence}");

    private static string Agent(int k) => string.Create(CultureInfo.InvariantCulture, $"agent_{k}");

    public sealed record Session(int Permanent, int Transient, int BatchPercent, int DuplicatePercent, int Window, int Replays, int Seed);

    private sealed record Unit(byte[] Frame, int EventCount);
}
