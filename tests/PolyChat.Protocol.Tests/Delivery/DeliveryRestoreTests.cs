using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using Xunit;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// A message carried over from a stopped process (a stored session's outbox): its §2 schedule goes on from when it was
/// first accepted, never past 4 sends in all, and a deadline that passed while no process ran waits for the first
/// replay. Instants pinned on the default schedule (0, 5, 10, 20 s; failed at 35 s).
/// </summary>
public sealed class DeliveryRestoreTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 20, 9, 0, 0, TimeSpan.Zero));
    private readonly RecordingTransport _transport = new();

    [Fact]
    public async Task AMessageAcceptedTwentySecondsBeforeTheStopGetsItsFourthSendOnTheFirstConnectionAndFailsFifteenSecondsLater()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        tracker.OnDisconnected();
        var message = tracker.Restore(Stored("restored"), TimeSpan.FromSeconds(20), attempts: 3);

        // The 20 s instant has come: owed to the first connection, not sent while down.
        _clock.Pass(TimeSpan.FromSeconds(1));
        Assert.Empty(_transport.Sent);
        Assert.Equal(1, await tracker.OnReconnectedAsync());
        Assert.Equal(4, message.Attempts);
        Assert.Equal("restored", IdOf(Assert.Single(_transport.Sent)));

        // 35 s after acceptance: 14 s after the resume plus the second already passed.
        _clock.Pass(TimeSpan.FromSeconds(13.9));
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        _clock.Pass(TimeSpan.FromSeconds(0.2));
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(DeliveryFailure.RetriesExhausted, message.Failure);
        Assert.Single(_transport.Sent);
    }

    [Fact]
    public async Task AMessageThatUsedEveryAttemptIsNeverSentAgain()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        tracker.OnDisconnected();
        var message = tracker.Restore(Stored("spent"), TimeSpan.FromSeconds(25), attempts: 4);

        Assert.Equal(0, await tracker.OnReconnectedAsync());
        _clock.Pass(TimeSpan.FromSeconds(9.9));
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        _clock.Pass(TimeSpan.FromSeconds(0.2));

        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(4, message.Attempts);
        Assert.Empty(_transport.Sent);
    }

    [Fact]
    public async Task AMessageAcceptedButNeverSentGoesOutOnceOnTheFirstConnection()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        tracker.OnDisconnected();
        var message = tracker.Restore(Stored("unsent"), TimeSpan.FromSeconds(2), attempts: 0);

        _clock.Pass(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await tracker.OnReconnectedAsync());
        Assert.Equal(1, message.Attempts);

        // Its next instant is still 5 s from acceptance (2 + 1 s ago), then 10 and 20.
        _clock.Pass(TimeSpan.FromSeconds(1.9));
        Assert.Single(_transport.Sent);
        _clock.Pass(TimeSpan.FromSeconds(0.2));
        Assert.Equal(2, _transport.Sent.Count);
        Assert.Equal(["unsent", "unsent"], _transport.Sent.Select(IdOf));
    }

    [Fact]
    public async Task ADeadlinePassedWhileNoProcessRanWaitsForTheReplayWhichMaySettleIt()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        tracker.OnDisconnected();
        var echoed = tracker.Restore(Stored("echoed"), TimeSpan.FromMinutes(3), attempts: 2);
        var lost = tracker.Restore(Stored("lost"), TimeSpan.FromMinutes(3), attempts: 2);

        // Long past 35 s, but no replay yet: neither fails, neither is sent.
        _clock.Pass(TimeSpan.FromSeconds(5));
        Assert.Equal(DeliveryStatus.Sending, echoed.Status);
        Assert.Equal(DeliveryStatus.Sending, lost.Status);

        // The replay holds one echo; once the replay is in, the other fails at once, unsent.
        Assert.Equal(EchoMatch.Sent, tracker.OnEventReceived(Echo(echoed.Event, "srv-1", 7)));
        Assert.Equal(0, await tracker.OnReconnectedAsync());

        Assert.Equal(DeliveryStatus.Sent, echoed.Status);
        Assert.Equal(DeliveryStatus.Failed, lost.Status);
        Assert.Equal(DeliveryFailure.RetriesExhausted, lost.Failure);
        Assert.Empty(_transport.Sent);
    }

    [Fact]
    public void ARestoredMessageKeepsItsIdAndIsFoundByIt()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        tracker.OnDisconnected();
        var message = tracker.Restore(Stored("kept", ("app", "crm")), TimeSpan.Zero, attempts: 1);

        Assert.Equal("kept", message.ClientEventId);
        Assert.Equal("crm", message.Event.Metadata!.Custom!["app"]);
        Assert.True(tracker.TryGetMessage("kept", out var found));
        Assert.Same(message, found);
        Assert.Equal(1, tracker.PendingCount);
    }

    [Fact]
    public async Task AMessageSentOnceBeforeTheStopIsNotOwedAnAttemptBeforeItsNextInstant()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        tracker.OnDisconnected();
        var message = tracker.Restore(Stored("once"), TimeSpan.FromSeconds(2), attempts: 1);

        // Its 5 s instant is 3 s away: a connection before then sends nothing; the instant itself sends the retry.
        _clock.Pass(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await tracker.OnReconnectedAsync());
        Assert.Empty(_transport.Sent);
        _clock.Pass(TimeSpan.FromSeconds(1.9));
        Assert.Empty(_transport.Sent);
        _clock.Pass(TimeSpan.FromSeconds(0.2));
        Assert.Equal("once", IdOf(Assert.Single(_transport.Sent)));
        Assert.Equal(2, message.Attempts);
    }

    [Fact]
    public async Task AMessageRestoredExactlyAtItsDeadlineFailsWithTheFirstReplay()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        tracker.OnDisconnected();
        var message = tracker.Restore(Stored("due"), TimeSpan.FromSeconds(35), attempts: 4);

        Assert.Equal(0, await tracker.OnReconnectedAsync());

        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(DeliveryFailure.RetriesExhausted, message.Failure);
    }

    [Fact]
    public async Task AReconnectWithNothingRestoredLeavesDeadlinesToTheTimer()
    {
        // The timer wakes late (a starved thread pool): the reconnect in between does not fail the message itself;
        // only a restore's held deadlines are the reconnect's to release.
        var clock = new ManualTimeProvider();
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), clock);
        var log = new UpdateLog(tracker);
        var message = await tracker.SendAsync(UserMessage("hi"));
        tracker.OnDisconnected();
        clock.Pass(TimeSpan.FromSeconds(40));

        Assert.Equal(0, await tracker.OnReconnectedAsync());
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        Assert.Equal([DeliveryUpdateKind.Sending], log.KindsFor(message));

        clock.Timer.Fire();
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(DeliveryFailure.RetriesExhausted, message.Failure);
    }

    [Fact]
    public void ADisposedTrackerRestoresNothing()
    {
        var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        tracker.Dispose();

        Assert.Throws<ObjectDisposedException>(() => tracker.Restore(Stored("late"), TimeSpan.Zero, attempts: 1));
        Assert.Equal(0, tracker.PendingCount);
        Assert.False(tracker.TryGetMessage("late", out _));
    }

    private static Event Stored(string clientEventId, params (string Key, string Value)[] more)
    {
        var custom = new Dictionary<string, string> { [DeliveryTracker.ClientEventIdKey] = clientEventId };
        foreach (var (key, value) in more)
        {
            custom[key] = value;
        }

        // As the outbox holds it: the client frame, read back.
        return PolyChatJson.Read(PolyChatJson.WriteClientEvent(UserMessage("stored", custom)));
    }
}
