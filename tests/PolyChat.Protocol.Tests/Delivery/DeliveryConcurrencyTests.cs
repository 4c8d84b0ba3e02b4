using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using Xunit;
using Xunit.Abstractions;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>Senders, the receive loop and the timer on different threads at once.</summary>
public class DeliveryConcurrencyTests(ITestOutputHelper output)
{
    private const int Senders = 4;
    private const int MessagesPerSender = 250;

    // Fewer when real timers race: the timer's callback queues behind the echoes on the thread pool, and on a busy
    // two-core machine a large burst starves it until every echo is in, leaving no retry to race.
    private const int RacingPerSender = 50;

    [Fact]
    public async Task ConcurrentSendsAndEchoesLoseNoUpdateAndDoubleNone()
    {
        // A frozen fake clock: no retries, so every message must see exactly Sending then Sent.
        var wire = new BlockingCollection<Event>();
        using var tracker = new DeliveryTracker(
            (sent, _) =>
            {
                wire.Add(sent);
                return ValueTask.CompletedTask;
            },
            new DeliveryOptions { MaxPending = Senders * MessagesPerSender }, new FakeTimeProvider());
        var recorder = new Recorder(tracker);

        var echoing = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(
            () =>
            {
                var delivered = 0;
                foreach (var sent in wire.GetConsumingEnumerable())
                {
                    var match = tracker.OnEventReceived(Echo(sent, Guid.NewGuid().ToString(), 1));
                    delivered += match == EchoMatch.Sent ? 1 : 0;
                }

                return delivered;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        var sending = Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
        {
            var mine = new List<TrackedMessage>();
            for (int i = 0; i < MessagesPerSender; i++)
            {
                mine.Add(await tracker.SendAsync(UserMessage($"{sender}/{i}")));
            }

            return mine;
        })).ToArray();

        var messages = (await Task.WhenAll(sending)).SelectMany(m => m).ToList();
        wire.CompleteAdding();
        var delivered = (await Task.WhenAll(echoing)).Sum();

        Assert.Equal(Senders * MessagesPerSender, delivered);
        Assert.Equal(messages.Count, messages.Select(m => m.ClientEventId).Distinct().Count());
        Assert.Equal(0, tracker.PendingCount);
        Assert.False(recorder.Overlapped, "Two update handlers ran at once.");
        foreach (var message in messages)
        {
            Assert.Equal(DeliveryStatus.Sent, message.Status);
            Assert.Equal(DeliveryStatus.Sent, await message.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sent], recorder.KindsFor(message));
        }
    }

    [Fact]
    public async Task RetriesRacingEchoesOnTheSystemClockStillSettleEachMessageExactlyOnce()
    {
        // Real timers with a 5 ms unit (retries at 5, 15 and 30 ms, failure at 50 ms) race echoes that the "network"
        // delivers on pool threads after 0, 20 or 300 ms depending on the message: the first kind is usually sent
        // once, the second usually sees duplicates (a retry went out before the first echo), the third usually fails
        // and then gets late echoes. Timing on a loaded machine decides which; the invariants hold whatever it is.
        // Every attempt that reaches the wire is echoed exactly once.
        var sendsPerId = new ConcurrentDictionary<string, int>();
        var matches = new ConcurrentDictionary<string, ConcurrentQueue<EchoMatch>>();
        var inFlight = 0;
        var network = new object();
        var open = true;
        DeliveryTracker? tracker = null;

        void Deliver(Event sent)
        {
            var match = tracker!.OnEventReceived(Echo(sent, Guid.NewGuid().ToString(), 1));
            matches.GetOrAdd(IdOf(sent), _ => new ConcurrentQueue<EchoMatch>()).Enqueue(match);
            Interlocked.Decrement(ref inFlight);
        }

        tracker = new DeliveryTracker(
            (sent, cancellation) =>
            {
                lock (network)
                {
                    // Once the test closes the network, an attempt that was already past its check when its message
                    // settled is lost on the wire: it is neither counted nor echoed.
                    if (!open)
                    {
                        return ValueTask.CompletedTask;
                    }

                    sendsPerId.AddOrUpdate(IdOf(sent), 1, (_, n) => n + 1);
                    Interlocked.Increment(ref inFlight);
                }

                var delay = (StringComparer.Ordinal.GetHashCode(IdOf(sent)) & 0x7fffffff) % 3 switch { 0 => 0, 1 => 20, _ => 300 };
                _ = Task.Delay(delay, CancellationToken.None).ContinueWith(delayed => Deliver(sent), TaskScheduler.Default);
                return ValueTask.CompletedTask;
            },
            new DeliveryOptions { RetryDelay = TimeSpan.FromMilliseconds(5), MaxRetries = 3, MaxPending = Senders * RacingPerSender, SettledWindow = Senders * RacingPerSender });
        using var owned = tracker;
        var recorder = new Recorder(tracker);

        var sending = Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
        {
            var mine = new List<TrackedMessage>();
            for (int i = 0; i < RacingPerSender; i++)
            {
                mine.Add(await tracker.SendAsync(UserMessage($"{sender}/{i}")));
            }

            return mine;
        })).ToArray();

        var messages = (await Task.WhenAll(sending)).SelectMany(m => m).ToList();
        await Task.WhenAll(messages.Select(m => m.Completion)).WaitAsync(TimeSpan.FromSeconds(60));

        // Once all have settled no new attempt starts, though one already past its check may still reach the wire.
        // Close the network: from here on the echoes in flight can only drain, so wait for exactly that.
        lock (network)
        {
            open = false;
        }

        var drained = SpinWait.SpinUntil(() => Volatile.Read(ref inFlight) == 0, TimeSpan.FromSeconds(60));
        Assert.True(drained, $"{Volatile.Read(ref inFlight)} echoes still in flight after 60 s");

        var all = matches.Values.SelectMany(q => q).ToList();
        output.WriteLine(
            $"{messages.Count} messages, {all.Count} echoes: {all.Count(m => m == EchoMatch.Sent)} delivered, " +
            $"{all.Count(m => m == EchoMatch.ExtraCopy)} duplicate, {all.Count(m => m == EchoMatch.LateEcho)} late, " +
            $"{messages.Count(m => m.Status == DeliveryStatus.Failed)} failed");
        Assert.False(recorder.Overlapped, "Two update handlers ran at once.");
        foreach (var message in messages)
        {
            var sends = sendsPerId[message.ClientEventId];
            var seen = matches[message.ClientEventId].ToList();
            var kinds = recorder.KindsFor(message);

            Assert.Equal(sends, seen.Count);
            Assert.Equal(1, seen.Count(m => m is EchoMatch.Sent or EchoMatch.LateEcho));
            Assert.Equal(sends - 1, seen.Count(m => m == EchoMatch.ExtraCopy));
            Assert.Equal(sends - 1, message.ExtraCopies);
            Assert.Equal(1, kinds.Count(k => k is DeliveryUpdateKind.Sent or DeliveryUpdateKind.Failed));
            Assert.Equal(message.Status == DeliveryStatus.Sent ? DeliveryUpdateKind.Sent : DeliveryUpdateKind.Failed, kinds.Single(k => k is DeliveryUpdateKind.Sent or DeliveryUpdateKind.Failed));
            Assert.Equal(DeliveryUpdateKind.Sending, kinds[0]);
            Assert.NotNull(message.Echo);
        }
    }

    /// <summary>Records updates per message and notices if two handler calls ever overlap.</summary>
    private sealed class Recorder
    {
        private readonly ConcurrentDictionary<TrackedMessage, List<DeliveryUpdateKind>> _kinds = new(ReferenceEqualityComparer.Instance);
        private int _inside;
        private volatile bool _overlapped;

        public Recorder(DeliveryTracker tracker) => tracker.Updated += (_, update) =>
        {
            if (Interlocked.Increment(ref _inside) != 1)
            {
                _overlapped = true;
            }

            // No lock: handlers are promised never to run concurrently, and Overlapped checks that promise.
            _kinds.GetOrAdd(update.Message, _ => new List<DeliveryUpdateKind>()).Add(update.Kind);
            Thread.SpinWait(500);
            Interlocked.Decrement(ref _inside);
        };

        public bool Overlapped => _overlapped;

        public List<DeliveryUpdateKind> KindsFor(TrackedMessage message) =>
            _kinds.TryGetValue(message, out var kinds) ? kinds : new List<DeliveryUpdateKind>();
    }
}
