using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using Xunit;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>The retry schedule, duplicate echoes and transport failures, on a fake clock.</summary>
public class DeliveryRetryTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    private readonly FakeTimeProvider _clock = new();
    private readonly RecordingTransport _transport = new();

    [Fact]
    public async Task TheScheduleFollowsTheOptions()
    {
        // §2's shape with another unit: first wait RetryDelay, after retry n RetryDelay × n.
        var options = new DeliveryOptions { RetryDelay = TimeSpan.FromSeconds(2), MaxRetries = 1 };
        using var tracker = new DeliveryTracker(_transport.SendAsync, options, _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, _transport.Sent.Count);
        _clock.Advance(TimeSpan.FromSeconds(2) - Ms);
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        _clock.Advance(Ms);

        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(2, message.Attempts);
    }

    [Fact]
    public async Task WithNoRetriesAMessageIsSentOnceAndFailsAfterOneDelay()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions { MaxRetries = 0 }, _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));

        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Single(_transport.Sent);
    }

    [Fact]
    public async Task MessagesSentAtDifferentTimesKeepTheirOwnSchedules()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var first = await tracker.SendAsync(UserMessage("first"));
        _clock.Advance(TimeSpan.FromSeconds(3));
        var second = await tracker.SendAsync(UserMessage("second"));

        _clock.Advance(TimeSpan.FromSeconds(2)); // 5 s: first's retry
        Assert.Equal(["first", "second", "first"], _transport.Sent.Select(Text));
        _clock.Advance(TimeSpan.FromSeconds(3)); // 8 s: second's retry
        Assert.Equal(["first", "second", "first", "second"], _transport.Sent.Select(Text));
        Assert.Equal(2, first.Attempts);
        Assert.Equal(2, second.Attempts);
    }

    [Fact]
    public async Task AClockThatJumpsPastSeveralInstantsGivesOneRetryNotABurst()
    {
        // As after a suspended laptop wakes: the overdue message is retried once, and the instants it slept through
        // are gone (§2's schedule stays on the clock).
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));

        _clock.Advance(TimeSpan.FromSeconds(12));
        Assert.Equal(2, _transport.Sent.Count);
        _clock.Advance(TimeSpan.FromSeconds(8) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, _transport.Sent.Count);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, _transport.Sent.Count);
        Assert.Equal(DeliveryStatus.Sending, message.Status);
    }

    [Fact]
    public async Task AClockThatLandsExactlyOnALaterInstantGivesOneRetryNotTwo()
    {
        // The jump ends on the 10 s instant itself: that instant has come too, so the next is 20 s.
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, _transport.Sent.Count);
        _clock.Advance(TimeSpan.FromSeconds(10) - Ms);
        Assert.Equal(2, _transport.Sent.Count);
        _clock.Advance(Ms);

        Assert.Equal(3, _transport.Sent.Count);
        Assert.Equal(3, message.Attempts);
    }

    [Fact]
    public async Task AMessageAcceptedLateInTheSessionCountsItsInstantsFromItsOwnAcceptance()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var message = await tracker.SendAsync(UserMessage("hi"));

        // 65, 70 and 80 s: 5, 10 and 20 s after acceptance; failed at 95 s.
        _clock.Pass(TimeSpan.FromSeconds(5));
        Assert.Equal(2, _transport.Sent.Count);
        _clock.Pass(TimeSpan.FromSeconds(5));
        Assert.Equal(3, _transport.Sent.Count);
        _clock.Pass(TimeSpan.FromSeconds(10));
        Assert.Equal(4, _transport.Sent.Count);
        _clock.Pass(TimeSpan.FromSeconds(15) - Ms);
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        _clock.Pass(Ms);
        Assert.Equal(DeliveryStatus.Failed, message.Status);
    }

    [Fact]
    public async Task EachRetryIsReportedAsItGoesOut()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var log = new UpdateLog(tracker);
        var message = await tracker.SendAsync(UserMessage("hi"));

        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sending], log.KindsFor(message));
        Assert.Equal([1, 2], log.All.Select(update => update.Attempts));
    }

    [Fact]
    public async Task AClockThatJumpsPastTheDeadlineFailsTheMessageWithoutSendingAgain()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));

        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Single(_transport.Sent);
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(DeliveryFailure.RetriesExhausted, message.Failure);
    }

    [Fact]
    public async Task AnEchoStopsTheRetries()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));
        _clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(2, _transport.Sent.Count);

        tracker.OnEventReceived(Echo(message.Event, "srv-1", 1));
        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Equal(2, _transport.Sent.Count);
        Assert.Equal(2, message.Attempts);
    }

    [Fact]
    public async Task TwoEchoesAfterARetryAreOneSentMessageWithTheDuplicateFlagged()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var log = new UpdateLog(tracker);
        var message = await tracker.SendAsync(UserMessage("hi"));
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, _transport.Sent.Count);

        // Both attempts reached the server: two echoes, two server events, one message.
        var firstEcho = Echo(_transport.Sent[0], "srv-1", 7);
        var secondEcho = Echo(_transport.Sent[1], "srv-2", 8);

        Assert.Equal(EchoMatch.Sent, tracker.OnEventReceived(firstEcho));
        Assert.Equal(EchoMatch.ExtraCopy, tracker.OnEventReceived(secondEcho, out var matched));

        Assert.Same(message, matched);
        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Same(firstEcho, message.Echo);
        Assert.Equal("srv-1", message.ServerEventId);
        Assert.Equal(7, message.ServerSequence);
        Assert.Equal(1, message.ExtraCopies);
        Assert.True(message.ServerHoldsExtraCopy);
        Assert.Equal(
            [DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sent, DeliveryUpdateKind.ExtraCopy],
            log.KindsFor(message));
    }

    [Fact]
    public async Task AnEchoAfterTheRetriesRanOutIsReportedAndAttachedButTheMessageStaysFailed()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions { MaxRetries = 0 }, _clock);
        var log = new UpdateLog(tracker);
        var message = await tracker.SendAsync(UserMessage("hi"));
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(DeliveryStatus.Failed, message.Status);

        var late = Echo(message.Event, "srv-1", 3);
        Assert.Equal(EchoMatch.LateEcho, tracker.OnEventReceived(late));
        Assert.Equal(EchoMatch.Repeated, tracker.OnEventReceived(late));
        Assert.Equal(EchoMatch.ExtraCopy, tracker.OnEventReceived(Echo(message.Event, "srv-2", 4)));

        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Same(late, message.Echo);
        Assert.Equal("msg_srv-1", message.ServerMessageId);
        Assert.Equal(1, message.ExtraCopies);
        Assert.Equal(DeliveryStatus.Failed, await message.Completion);
        Assert.Equal(
            [DeliveryUpdateKind.Sending, DeliveryUpdateKind.Failed, DeliveryUpdateKind.LateEcho, DeliveryUpdateKind.ExtraCopy],
            log.KindsFor(message));
    }

    [Fact]
    public async Task OnlyTheSettledWindowIsRemembered()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(settledWindow: 2), _clock);
        var messages = new TrackedMessage[3];
        for (int i = 0; i < messages.Length; i++)
        {
            messages[i] = await tracker.SendAsync(UserMessage($"m{i}"));
            tracker.OnEventReceived(Echo(messages[i].Event, $"srv-{i}", i + 1));
        }

        // The oldest has been forgotten: its late duplicate can no longer be recognised.
        Assert.False(tracker.TryGetMessage(messages[0].ClientEventId, out _));
        Assert.Equal(EchoMatch.None, tracker.OnEventReceived(Echo(messages[0].Event, "srv-late-0", 10)));
        Assert.True(tracker.TryGetMessage(messages[1].ClientEventId, out _));
        Assert.Equal(EchoMatch.ExtraCopy, tracker.OnEventReceived(Echo(messages[1].Event, "srv-late-1", 11)));
        Assert.Equal(EchoMatch.ExtraCopy, tracker.OnEventReceived(Echo(messages[2].Event, "srv-late-2", 12)));
    }

    [Fact]
    public async Task WithNoSettledWindowASettledMessageIsForgottenAtOnce()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(settledWindow: 0), _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));
        tracker.OnEventReceived(Echo(message.Event, "srv-1", 1));

        Assert.False(tracker.TryGetMessage(message.ClientEventId, out _));
        Assert.Equal(EchoMatch.None, tracker.OnEventReceived(Echo(message.Event, "srv-2", 2)));
    }

    [Fact]
    public async Task ATransportThatThrowsCountsAsAFailedAttemptAndTheRetryGoesOn()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var log = new UpdateLog(tracker);
        var broken = new IOException("socket write failed");
        _transport.ThrowNext = broken;

        var message = await tracker.SendAsync(UserMessage("hi"));

        Assert.Equal(DeliveryStatus.Sending, message.Status);
        Assert.Equal(1, message.Attempts);
        Assert.Same(broken, message.LastSendError);
        Assert.Empty(_transport.Sent);

        _transport.ThrowNext = null;
        _clock.Advance(TimeSpan.FromSeconds(5));
        var sent = Assert.Single(_transport.Sent);
        tracker.OnEventReceived(Echo(sent, "srv-1", 1));

        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Equal(2, message.Attempts);
        Assert.Equal(
            [DeliveryUpdateKind.Sending, DeliveryUpdateKind.AttemptFailed, DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sent],
            log.KindsFor(message));
    }

    [Fact]
    public async Task ATransportWhoseTaskFaultsIsHandledTheSameWay()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        _transport.ThrowNext = new IOException("connection reset");
        _transport.FailAsynchronously = true;

        var message = await tracker.SendAsync(UserMessage("hi"));

        Assert.IsType<IOException>(message.LastSendError);
        Assert.Equal(DeliveryStatus.Sending, message.Status);
    }

    [Fact]
    public async Task ATransportThatAlwaysThrowsEndsInRetriesExhaustedAndTheTrackerStaysUsable()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        _transport.ThrowNext = new IOException("down");
        var message = await tracker.SendAsync(UserMessage("hi"));

        _clock.Pass(TimeSpan.FromSeconds(50));

        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(DeliveryFailure.RetriesExhausted, message.Failure);
        Assert.Equal(4, message.Attempts);

        _transport.ThrowNext = null;
        var next = await tracker.SendAsync(UserMessage("better now"));
        Assert.Equal(EchoMatch.Sent, tracker.OnEventReceived(Echo(next.Event, "srv-1", 1)));
    }

    [Fact]
    public async Task ASlowTransportDoesNotHoldUpTheCallerPastItsCompletion()
    {
        var gate = new TaskCompletionSource();
        using var tracker = new DeliveryTracker(async (_, _) => await gate.Task, Options(), _clock);

        var sending = tracker.SendAsync(UserMessage("hi")).AsTask();
        Assert.False(sending.IsCompleted);
        gate.SetResult();

        var message = await sending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, message.Attempts);
    }

    private static string Text(Event sent) => ((UserMessageEvent)sent).Payload.Text;
}
