using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using Xunit;
using Xunit.Abstractions;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>Timers, memory and allocations: nothing outlives a settled message, and tracking costs only the entry.</summary>
public class DeliveryResourceTests(ITestOutputHelper output)
{
    private static readonly Func<Event, System.Threading.CancellationToken, ValueTask> Discard = static (_, _) => ValueTask.CompletedTask;

    [Fact]
    public async Task OneTimerServesEveryMessageAndIsDisarmedOnceNothingIsPending()
    {
        var fake = new FakeTimeProvider();
        var clock = new CountingTimeProvider(fake);
        var transport = new RecordingTransport();
        var tracker = new DeliveryTracker(transport.SendAsync, new DeliveryOptions(), clock);
        Assert.Equal(1, clock.Created);
        Assert.Equal(0, clock.Armed);

        var messages = new TrackedMessage[100];
        for (int i = 0; i < messages.Length; i++)
        {
            messages[i] = await tracker.SendAsync(UserMessage($"m{i}"));
            fake.Advance(TimeSpan.FromMilliseconds(30));
        }

        Assert.Equal(1, clock.Created);
        Assert.Equal(1, clock.Armed);

        for (int i = 0; i < messages.Length; i++)
        {
            tracker.OnEventReceived(Echo(messages[i].Event, $"srv-{i}", i + 1));
        }

        // The timer may still wake once for a deadline that no longer matters; it then stays disarmed.
        fake.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, clock.Armed);
        Assert.Equal(1, clock.Created);
        Assert.Equal(0, tracker.PendingCount);

        tracker.Dispose();
        Assert.Equal(0, clock.Alive);
    }

    [Fact]
    public void ANewTrackerIsSmall()
    {
        // Our rule: thousands of sessions each own a tracker, so its collections start empty and grow with use;
        // nothing is sized to MaxPending or SettledWindow up front (those would take several kilobytes here).
        var options = new DeliveryOptions { MaxPending = 4096, SettledWindow = 4096 };
        var clock = new FakeTimeProvider();
        using var warm = new DeliveryTracker(Discard, options, clock);

        long before = GC.GetAllocatedBytesForCurrentThread();
        using var tracker = new DeliveryTracker(Discard, options, clock);
        long size = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"A new tracker: {size:N0} bytes");
        Assert.InRange(size, 1, 2048);
    }

    [Fact]
    public async Task AnIdleTrackerDoesNoTimerWork()
    {
        // Our rule: thousands of sessions each own a tracker, so one with nothing pending must cost no wake-ups.
        var fake = new FakeTimeProvider();
        var clock = new CountingTimeProvider(fake);
        using var tracker = new DeliveryTracker(Discard, new DeliveryOptions(), clock);
        fake.Pass(TimeSpan.FromMinutes(1));
        Assert.Equal(0, clock.Fired);

        var message = await tracker.SendAsync(UserMessage("hi"));
        Assert.Equal(1, clock.Armed);
        Assert.Equal(EchoMatch.Sent, tracker.OnEventReceived(Echo(message.Event, "srv-1", 1)));

        // Disarmed as the last pending message settles, not at the next wake-up.
        Assert.Equal(0, clock.Armed);
        fake.Pass(TimeSpan.FromMinutes(1));
        Assert.Equal(0, clock.Fired);
    }

    [Fact]
    public async Task AFailedMessageLeavesNoTimerArmed()
    {
        var fake = new FakeTimeProvider();
        var clock = new CountingTimeProvider(fake);
        using var tracker = new DeliveryTracker(Discard, new DeliveryOptions(), clock);
        var message = await tracker.SendAsync(UserMessage("hi"));

        fake.Pass(TimeSpan.FromSeconds(50));

        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(0, clock.Armed);
        Assert.Equal(1, clock.Created);

        // §2: wake-ups at 5, 10, 20 and 35 s; none once the message has failed.
        var fired = clock.Fired;
        fake.Pass(TimeSpan.FromMinutes(1));
        Assert.Equal(fired, clock.Fired);
    }

    [Fact]
    public async Task TheTimerStaysArmedWhileDisconnectedForTheDeadlineAndIsDisarmedWhenNothingIsPending()
    {
        var fake = new FakeTimeProvider();
        var clock = new CountingTimeProvider(fake);
        using var tracker = new DeliveryTracker(Discard, new DeliveryOptions(), clock);
        var message = await tracker.SendAsync(UserMessage("hi"));
        Assert.Equal(1, clock.Armed);

        tracker.OnDisconnected();
        Assert.Equal(1, clock.Armed);

        tracker.OnEventReceived(Echo(message.Event, "srv-1", 1));
        Assert.Equal(0, clock.Armed);
    }

    [Fact]
    public async Task TheEndDisarmsTheTimerAtOnce()
    {
        var fake = new FakeTimeProvider();
        var clock = new CountingTimeProvider(fake);
        using var tracker = new DeliveryTracker(Discard, new DeliveryOptions(), clock);
        await tracker.SendAsync(UserMessage("a"));
        await tracker.SendAsync(UserMessage("b"));
        Assert.Equal(1, clock.Armed);

        Assert.Equal(2, tracker.OnClosed("Closed with 1000 (normal closure)."));

        Assert.Equal(0, clock.Armed);
        fake.Pass(TimeSpan.FromMinutes(1));
        Assert.Equal(0, clock.Fired);
    }

    [Fact]
    public void SettledMessagesAreReleasedOnceTheWindowMovesOn()
    {
        var clock = new FakeTimeProvider();
        using var tracker = new DeliveryTracker(Discard, new DeliveryOptions { SettledWindow = 1 }, clock);

        var echoed = SendAndEcho(tracker, "echoed");
        var failed = SendAndLetFail(tracker, clock, "failed");
        var rejected = SendAndReject(tracker, "rejected");

        // Only the latest settled message is still remembered; the others must be collectable.
        Collect();
        Assert.False(echoed.Message.IsAlive, "A message settled by its echo is still referenced.");
        Assert.False(echoed.Event.IsAlive, "The sent event of a settled message is still referenced.");
        Assert.False(failed.IsAlive, "A message failed by the timer is still referenced.");
        Assert.True(rejected.IsAlive, "The settled window should remember the latest message.");
        Assert.Equal(0, tracker.PendingCount);
    }

    [Fact]
    public async Task TrackingAllocatesOnlyTheEntryAndMatchingAnEchoAllocatesNothing()
    {
        const int Count = 2_000;

        // The system clock with a far deadline: the timer is armed once and never fires during the measurement.
        var options = new DeliveryOptions { RetryDelay = TimeSpan.FromDays(1), MaxPending = Count, SettledWindow = Count };
        using var tracker = new DeliveryTracker(Discard, options);
        var template = UserMessage("Can I change my delivery address?");
        var messages = new TrackedMessage[Count];
        var echoes = new Event[Count];

        // Warm up every path (JIT, first-use statics) and take the tracker to the peak the measurement reaches: the
        // pending list and the settled window grow with use (an idle tracker stays small) and keep their size, so
        // what is measured is the steady state, from an empty pending list.
        var warm = new TrackedMessage[Count];
        for (int i = 0; i < Count; i++)
        {
            warm[i] = await tracker.SendAsync(template);
        }

        for (int i = 0; i < Count; i++)
        {
            tracker.OnEventReceived(Echo(warm[i].Event, $"warm-{i}", 0));
        }

        BaselineEntry(template);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Count - 1; i++)
        {
            messages[i] = await tracker.SendAsync(template);
        }

        long tracked = GC.GetAllocatedBytesForCurrentThread() - before;

        // What a message consists of: its id, the custom-metadata view, the metadata, the event copy and the entry.
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Count - 1; i++)
        {
            BaselineEntry(template);
        }

        long entries = GC.GetAllocatedBytesForCurrentThread() - before;

        for (int i = 0; i < Count - 1; i++)
        {
            echoes[i] = Echo(messages[i].Event, $"srv-{i}", i + 1);
        }

        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Count - 1; i++)
        {
            if (tracker.OnEventReceived(echoes[i]) != EchoMatch.Sent)
            {
                Assert.Fail($"Echo {i} was not matched.");
            }
        }

        long matching = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{Count - 1:N0} sends: {tracked:N0} bytes ({tracked / (Count - 1)} per message); the entries alone: {entries:N0} bytes; matching the echoes: {matching:N0} bytes");
        Assert.Equal(entries, tracked);
        Assert.Equal(0, matching);
        Assert.Equal(0, tracker.PendingCount);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TrackedMessage BaselineEntry(UserMessageEvent template)
    {
        var id = Guid.NewGuid().ToString();
        var sent = template with { Id = null, Sequence = null, Timestamp = null, Metadata = new Metadata { Custom = new ClientEventIdOnly(id) } };
        return new TrackedMessage(id, sent);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Message, WeakReference Event) SendAndEcho(DeliveryTracker tracker, string text)
    {
        var message = tracker.SendAsync(UserMessage(text)).Result;
        Assert.Equal(EchoMatch.Sent, tracker.OnEventReceived(Echo(message.Event, "srv-" + text, 1)));
        return (new WeakReference(message), new WeakReference(message.Event));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference SendAndLetFail(DeliveryTracker tracker, FakeTimeProvider clock, string text)
    {
        var message = tracker.SendAsync(UserMessage(text)).Result;
        clock.Pass(TimeSpan.FromSeconds(50));
        Assert.Equal(DeliveryFailure.RetriesExhausted, message.Failure);
        return new WeakReference(message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference SendAndReject(DeliveryTracker tracker, string text)
    {
        var message = tracker.SendAsync(UserMessage(text)).Result;
        Assert.Equal(EchoMatch.Rejected, tracker.OnEventReceived(SystemMessage(SystemMessageLevel.Error, "no", message.ClientEventId)));
        return new WeakReference(message);
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
