using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Sequencing;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// Random streams shaped like PROTOCOL.md §4b describes reconnects: live traffic reordered within a
/// window, duplicated, overlapped by replays of earlier slices, some events lost for good, and
/// transient events interleaved.
/// </summary>
public class EventSequencerPropertyTests
{
    private static readonly Gen<Scenario> Scenarios =
        Gen.Select(
            Gen.Int[1, 400],
            Gen.Int[1, 64],
            Gen.Int[0, int.MaxValue],
            Gen.Long[0, 1_000_000],
            Gen.Int[1, 64],
            Gen.Int[1, 32],
            Gen.Int[0, 15],
            Gen.Int[0, 30],
            Gen.Int[0, 10],
            Gen.Int[0, 30],
            Gen.Int[0, 20],
            Gen.Int,
            (count, maxHeld, window, initialCursor, deliveredIds, transientIds, loss, duplicate, replay, transient, withoutId, seed) =>
                new Scenario(count, maxHeld, 1 + (window % maxHeld), initialCursor, deliveredIds, transientIds, loss, duplicate, replay, transient, withoutId, seed));

    /// <summary>
    /// With the reorder window no wider than the held limit, a gap can only be declared over events
    /// that will never come, so the outputs are exactly predictable.
    /// </summary>
    [Fact]
    public void EveryEventOnceInOrderWithGapsExactlyOverLostRuns()
    {
        Scenarios.Sample(scenario =>
        {
            Traffic stream = Traffic.Build(scenario);
            var time = new FakeTimeProvider();
            var sequencer = new EventSequencer<string>(scenario.Options(), time);
            var drainPoints = new Random(scenario.Seed);
            var outputs = new List<SequencerOutput<string>>();

            foreach (Arrival arrival in stream.Arrivals)
            {
                OfferChecked(sequencer, arrival, scenario.MaxHeld);
                if (drainPoints.Next(4) != 0)
                {
                    outputs.AddRange(sequencer.Drain());
                }
            }

            sequencer.Flush();
            outputs.AddRange(sequencer.Drain());
            Assert.Equal(0, sequencer.HeldCount);

            List<string> permanent = [.. outputs.Where(o => o.Kind == SequencerOutputKind.Gap || o.Sequence is not null).Select(Describe)];
            Assert.Equal(stream.ExpectedPermanent(), permanent);
            Assert.All(outputs.Where(o => o.Kind == SequencerOutputKind.Gap), o => Assert.NotEqual(GapReason.Timeout, o.Gap.Reason));
            AssertTransientsOnce(stream, outputs);
        }, iter: 1500);
    }

    /// <summary>
    /// With timeouts firing at random and reordering wider than the held limit, gaps can swallow late
    /// events, but the permanent outputs still tile the sequence line without overlap.
    /// </summary>
    [Fact]
    public void OutputsTileTheSequenceLineUnderTimeoutsAndOverflow()
    {
        Gen<(Scenario Scenario, int WindowFactor, int TimeoutSeconds)> gen =
            Gen.Select(Scenarios, Gen.Int[1, 4], Gen.Int[1, 10]);

        gen.Sample((scenario, windowFactor, timeoutSeconds) =>
        {
            scenario = scenario with { Window = scenario.Window * windowFactor };
            Traffic stream = Traffic.Build(scenario);
            var time = new FakeTimeProvider();
            var options = new SequencerOptions
            {
                MaxHeldEvents = scenario.MaxHeld,
                InitialCursor = scenario.InitialCursor,
                DeliveredIdWindow = scenario.DeliveredIdWindow,
                TransientIdWindow = scenario.TransientIdWindow,
                GapTimeout = TimeSpan.FromSeconds(timeoutSeconds)
            };
            var sequencer = new EventSequencer<string>(options, time);
            var clock = new Random(scenario.Seed);
            var outputs = new List<SequencerOutput<string>>();

            foreach (Arrival arrival in stream.Arrivals)
            {
                time.Advance(TimeSpan.FromMilliseconds(clock.Next(0, 1500)));
                if (clock.Next(5) == 0)
                {
                    sequencer.Poll();
                }

                OfferChecked(sequencer, arrival, scenario.MaxHeld);
                outputs.AddRange(sequencer.Drain());
            }

            sequencer.Flush();
            outputs.AddRange(sequencer.Drain());
            Assert.Equal(0, sequencer.HeldCount);

            long covered = scenario.InitialCursor;
            foreach (SequencerOutput<string> output in outputs)
            {
                if (output.Kind == SequencerOutputKind.Gap)
                {
                    Assert.Equal(covered + 1, output.Gap.FirstMissing);
                    covered = output.Gap.LastMissing;
                }
                else if (output.Sequence is long sequence)
                {
                    Assert.Equal(covered + 1, sequence);
                    Assert.Equal(Traffic.PermanentPayload(sequence), output.Event);
                    covered = sequence;
                }
            }

            Assert.Equal(sequencer.Cursor, covered);
            Assert.Equal(stream.HighestSent, covered);
            AssertTransientsOnce(stream, outputs);
        }, iter: 1000);
    }

    private static void OfferChecked(EventSequencer<string> sequencer, Arrival arrival, int maxHeld)
    {
        SequencerCheck predicted = sequencer.Check(arrival.Id, arrival.Sequence);
        SequencerDecision decision = sequencer.Offer(arrival.Id, arrival.Sequence, arrival.Payload);
        Assert.Equal(decision.AsCheck(), predicted);
        Assert.True(sequencer.HeldCount <= maxHeld, $"Held {sequencer.HeldCount} > {maxHeld}");
    }

    private static void AssertTransientsOnce(Traffic stream, List<SequencerOutput<string>> outputs)
    {
        List<string> delivered = [.. outputs.Where(o => o.Kind == SequencerOutputKind.Event && o.Sequence is null).Select(o => o.Event).Order(StringComparer.Ordinal)];
        Assert.Equal(stream.Transients.Order(StringComparer.Ordinal), delivered);
    }

    private static string Describe(SequencerOutput<string> output) =>
        output.Kind == SequencerOutputKind.Gap
            ? string.Create(CultureInfo.InvariantCulture, $"gap {output.Gap.FirstMissing}..{output.Gap.LastMissing}")
            : output.Event;

    /// <summary>The knobs of one random stream. Percentages are per live event.</summary>
    public sealed record Scenario(
        int Count,
        int MaxHeld,
        int Window,
        long InitialCursor,
        int DeliveredIdWindow,
        int TransientIdWindow,
        int LossPercent,
        int DuplicatePercent,
        int ReplayPercent,
        int TransientPercent,
        int WithoutIdPercent,
        int Seed)
    {
        public SequencerOptions Options() => new()
        {
            MaxHeldEvents = MaxHeld,
            InitialCursor = InitialCursor,
            DeliveredIdWindow = DeliveredIdWindow,
            TransientIdWindow = TransientIdWindow,
        };
    }

    private sealed record Arrival(EventKey Id, long? Sequence, string Payload);

    private sealed class Traffic
    {
        private readonly long _first;
        private readonly bool[] _lost;

        private Traffic(long first, bool[] lost)
        {
            _first = first;
            _lost = lost;
        }

        public List<Arrival> Arrivals { get; } = [];

        public List<string> Transients { get; } = [];

        public long HighestSent { get; private set; }

        public static string PermanentPayload(long sequence) => string.Create(CultureInfo.InvariantCulture, $"p{sequence}");

        public static Traffic Build(Scenario scenario)
        {
            var random = new Random(scenario.Seed);
            long first = scenario.InitialCursor + 1;
            var events = new Arrival[scenario.Count];
            for (int i = 0; i < events.Length; i++)
            {
                long sequence = first + i;
                EventKey id = random.Next(100) < scenario.WithoutIdPercent ? default
                    : random.Next(2) == 0 ? TestIds.Uuid(sequence)
                    : EventKey.FromString(string.Create(CultureInfo.InvariantCulture, $"perm-{sequence}"));
                events[i] = new Arrival(id, sequence, PermanentPayload(sequence));
            }

            var lost = new bool[events.Length];
            for (int i = 0; i < lost.Length;)
            {
                if (random.Next(100) < scenario.LossPercent)
                {
                    int run = random.Next(1, 6);
                    for (int j = i; j < Math.Min(i + run, lost.Length); j++)
                    {
                        lost[j] = true;
                    }

                    i += run;
                }
                else
                {
                    i++;
                }
            }

            // Each event moves later by less than the window: sorting by index + jitter bounds the
            // displacement without making it uniform.
            int[] live = [.. Enumerable.Range(0, events.Length)
                .Where(i => !lost[i])
                .Select(i => (Index: i, Key: i + random.Next(scenario.Window)))
                .OrderBy(p => p.Key).ThenBy(p => p.Index)
                .Select(p => p.Index)];

            var stream = new Traffic(first, lost) { HighestSent = scenario.InitialCursor };
            var sent = new List<Arrival>();
            var transientIds = new List<Arrival>();
            foreach (int index in live)
            {
                Arrival arrival = events[index];
                stream.Arrivals.Add(arrival);
                sent.Add(arrival);
                stream.HighestSent = Math.Max(stream.HighestSent, arrival.Sequence!.Value);

                if (random.Next(100) < scenario.DuplicatePercent)
                {
                    stream.Arrivals.Add(sent[random.Next(sent.Count)]);
                }

                if (random.Next(100) < scenario.ReplayPercent)
                {
                    // A replay after a reconnect: everything sent above some cursor, in sequence order.
                    long cursor = sent[random.Next(sent.Count)].Sequence!.Value - 1;
                    stream.Arrivals.AddRange(sent.Where(a => a.Sequence > cursor).OrderBy(a => a.Sequence).Take(random.Next(1, 30)));
                }

                if (random.Next(100) < scenario.TransientPercent)
                {
                    string payload = string.Create(CultureInfo.InvariantCulture, $"t{stream.Transients.Count}");
                    bool withId = random.Next(5) != 0;
                    var transient = new Arrival(withId ? EventKey.FromString("typing-" + payload) : default, null, payload);
                    stream.Arrivals.Add(transient);
                    stream.Transients.Add(payload);
                    if (withId)
                    {
                        transientIds.Add(transient);
                    }
                }

                if (transientIds.Count > 0 && random.Next(100) < scenario.TransientPercent / 2)
                {
                    // Only ids still inside the window, so a repeat must be caught.
                    int remembered = Math.Min(transientIds.Count, scenario.TransientIdWindow);
                    stream.Arrivals.Add(transientIds[transientIds.Count - 1 - random.Next(remembered)]);
                }
            }

            return stream;
        }

        /// <summary>Permanent outputs in order: each live event, and a gap for each lost run that has a live successor.</summary>
        public List<string> ExpectedPermanent()
        {
            var expected = new List<string>();
            int lastLive = Array.LastIndexOf(_lost, false);
            for (int i = 0; i <= lastLive; i++)
            {
                if (!_lost[i])
                {
                    expected.Add(PermanentPayload(_first + i));
                    continue;
                }

                int end = i;
                while (_lost[end + 1])
                {
                    end++;
                }

                expected.Add(string.Create(CultureInfo.InvariantCulture, $"gap {_first + i}..{_first + end}"));
                i = end;
            }

            return expected;
        }
    }
}
