using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using Xunit;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>Disconnects, reconnects, the end of the session, terminal closes, the pending limit and disposal.</summary>
public class DeliveryConnectionTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly RecordingTransport _transport = new();

    [Fact]
    public async Task AReconnectSendsOnlyTheOwedAttemptsInTheOrderTheMessagesWereAccepted()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var a = await tracker.SendAsync(UserMessage("a"));
        var b = await tracker.SendAsync(UserMessage("b"));
        var c = await tracker.SendAsync(UserMessage("c"));
        tracker.OnEventReceived(Echo(b.Event, "srv-b", 1));

        tracker.OnDisconnected();
        var d = await tracker.SendAsync(UserMessage("d"));
        Assert.Equal(0, d.Attempts);
        Assert.Equal(DeliveryStatus.Sending, d.Status);
        Assert.Equal(3, _transport.Sent.Count);

        // Before any retry instant: the reconnect adds no send of its own; only the queued message goes out.
        Assert.Equal(1, await tracker.OnReconnectedAsync());
        Assert.Equal(["a", "b", "c", "d"], _transport.Sent.Select(Text));

        // The 5 s instant comes while down: a and c are owed one attempt each; d (accepted at 0 s too) as well.
        tracker.OnDisconnected();
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(4, _transport.Sent.Count);
        Assert.Equal(3, await tracker.OnReconnectedAsync());

        Assert.Equal(["a", "b", "c", "d", "a", "c", "d"], _transport.Sent.Select(Text));
        Assert.Equal(2, a.Attempts);
        Assert.Equal(1, b.Attempts);
        Assert.Equal(2, c.Attempts);
        Assert.Equal(2, d.Attempts);
        Assert.Equal(a.ClientEventId, IdOf(_transport.Sent[4]));
    }

    [Fact]
    public async Task TheScheduleAndTheDeadlineHoldAcrossDisconnects()
    {
        // §2's instants count from acceptance whatever the link does (reconnects are our rule; the docs are silent).
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, message.Attempts);

        // Down from 5 s to 15 s: the 10 s instant is owed, and goes out on the reconnect.
        tracker.OnDisconnected();
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, _transport.Sent.Count);
        Assert.Equal(1, await tracker.OnReconnectedAsync());
        Assert.Equal(3, _transport.Sent.Count);

        // The 20 s instant on its time, then nothing more: failed at 35 s after 4 attempts.
        _clock.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, _transport.Sent.Count);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(4, _transport.Sent.Count);
        _clock.Advance(TimeSpan.FromSeconds(15) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal("No echo from the server after 4 attempts.", message.FailureReason);
        Assert.Equal(4, _transport.Sent.Count);
    }

    [Fact]
    public async Task AMessageFailsAtItsDeadlineWhileTheLinkIsDown()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));
        tracker.OnDisconnected();

        _clock.Advance(TimeSpan.FromSeconds(35) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(DeliveryFailure.RetriesExhausted, message.Failure);
        Assert.Equal(0, await tracker.OnReconnectedAsync());
        Assert.Single(_transport.Sent);
    }

    [Fact]
    public async Task AnOwedJoinRequestGoesOutBeforeTheMessagesOwedWithIt()
    {
        // §6: a message that reaches the server before the agent joined is answered "Error: Conversation not found".
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        tracker.OnDisconnected();
        var message = await tracker.SendAsync(UserMessage("early"));
        var join = await tracker.SendAsync(new RequestPolyAgentJoinEvent(new RequestPolyAgentJoinPayload()));

        Assert.Equal(2, await tracker.OnReconnectedAsync());

        Assert.IsType<RequestPolyAgentJoinEvent>(_transport.Sent[0]);
        Assert.Equal(message.ClientEventId, IdOf(_transport.Sent[1]));
        Assert.Equal(1, join.Attempts);
    }

    [Fact]
    public async Task AMessageQueuedWhileTheLinkStaysDownFailsAtItsDeadline()
    {
        // Found by the session simulation: a queued message armed no timer, so it waited for a reconnect to fail.
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        tracker.OnDisconnected();
        var message = await tracker.SendAsync(UserMessage("queued"));

        _clock.Advance(TimeSpan.FromSeconds(35) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(0, message.Attempts);
        Assert.Empty(_transport.Sent);
    }

    [Fact]
    public async Task AMessageQueuedWhileDisconnectedAndSentOnReconnectIsRetriedFiveSecondsAfterAcceptance()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        tracker.OnDisconnected();
        var message = await tracker.SendAsync(UserMessage("queued"));

        // Connected at 1 s: the first attempt; the 5 s instant still lies ahead, counted from acceptance.
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await tracker.OnReconnectedAsync());
        _clock.Advance(TimeSpan.FromSeconds(4) - TimeSpan.FromMilliseconds(1));
        Assert.Single(_transport.Sent);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, _transport.Sent.Count);
        Assert.Equal(2, message.Attempts);
    }

    [Fact]
    public async Task AMessageQueuedWhileDisconnectedCountsItsDeadlineFromAcceptance()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        tracker.OnDisconnected();
        var message = await tracker.SendAsync(UserMessage("queued"));

        // Connected at 12 s: one attempt (the 0, 5 and 10 s instants passed while down), then 20 s, failed at 35 s.
        _clock.Advance(TimeSpan.FromSeconds(12));
        Assert.Equal(1, await tracker.OnReconnectedAsync());
        _clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(2, _transport.Sent.Count);
        _clock.Advance(TimeSpan.FromSeconds(15) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(2, message.Attempts);
    }

    [Fact]
    public async Task AnEchoInTheReplayedHistorySettlesAMessageBeforeTheReconnectCouldResendIt()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));
        tracker.OnDisconnected();

        var replay = new EventBatchEvent(new EventBatchPayload { Events = [Echo(message.Event, "srv-1", 5)] });
        tracker.OnEventReceived(replay);

        Assert.Equal(0, await tracker.OnReconnectedAsync());
        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Single(_transport.Sent);
    }

    [Fact]
    public async Task MessagesSentDuringAReconnectGoOutAfterThePendingOnes()
    {
        var release = new TaskCompletionSource();
        var transport = new RecordingTransport();
        var holdFirstResend = 0;
        using var tracker = new DeliveryTracker(
            async (sent, token) =>
            {
                await transport.SendAsync(sent, token);
                if (Text(sent) == "old" && Interlocked.Increment(ref holdFirstResend) == 2)
                {
                    await release.Task;
                }
            },
            Options(), _clock);
        await tracker.SendAsync(UserMessage("old"));
        await tracker.SendAsync(UserMessage("older-but-second"));
        tracker.OnDisconnected();

        // The 5 s instant passes while down: both are owed an attempt.
        _clock.Advance(TimeSpan.FromSeconds(5));

        var reconnecting = tracker.OnReconnectedAsync().AsTask();
        var fresh = await tracker.SendAsync(UserMessage("fresh"));
        Assert.Equal(0, fresh.Attempts);
        release.SetResult();

        Assert.Equal(3, await reconnecting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["old", "older-but-second", "old", "older-but-second", "fresh"], transport.Sent.Select(Text));
        Assert.Equal(1, fresh.Attempts);
    }

    [Fact]
    public async Task SessionEndFailsPendingMessagesWithTheReason()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var a = await tracker.SendAsync(UserMessage("a"));
        var b = await tracker.SendAsync(UserMessage("b"));
        tracker.OnEventReceived(Echo(a.Event, "srv-a", 1));

        Assert.Equal(EchoMatch.None, tracker.OnEventReceived(SessionEnd(SessionEndReason.UserAbandoned)));

        Assert.Equal(DeliveryStatus.Sent, a.Status);
        Assert.Equal(DeliveryStatus.Failed, b.Status);
        Assert.Equal(DeliveryFailure.SessionEnded, b.Failure);
        Assert.Contains("REASON_USER_ABANDONED", b.FailureReason, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Failed, await b.Completion);
        Assert.Equal(0, tracker.PendingCount);

        // Nothing is retried afterwards, and a send after the end fails at once without reaching the transport, for
        // the end's reason even once the connection has closed too.
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, tracker.OnClosed("Closed with 1000 (normal closure)."));
        var late = await tracker.SendAsync(UserMessage("anyone there?"));
        Assert.Equal(DeliveryStatus.Failed, late.Status);
        Assert.Equal(DeliveryFailure.SessionEnded, late.Failure);
        Assert.Equal(b.FailureReason, late.FailureReason);
        Assert.Equal(0, late.Attempts);
        Assert.Equal(2, _transport.Sent.Count);
        Assert.Equal(0, await tracker.OnReconnectedAsync());
    }

    [Fact]
    public async Task ATerminalCloseFailsPendingMessagesWithTheReason()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var log = new UpdateLog(tracker);
        var a = await tracker.SendAsync(UserMessage("a"));
        var b = await tracker.SendAsync(UserMessage("b"));

        Assert.Equal(2, tracker.OnClosed("Closed with 1000 (normal closure)."));

        foreach (var message in new[] { a, b })
        {
            Assert.Equal(DeliveryStatus.Failed, message.Status);
            Assert.Equal(DeliveryFailure.ConnectionClosed, message.Failure);
            Assert.Equal("Closed with 1000 (normal closure).", message.FailureReason);
            Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Failed], log.KindsFor(message));
        }

        Assert.Equal(0, tracker.OnClosed("again"));
        var late = await tracker.SendAsync(UserMessage("c"));
        Assert.Equal(DeliveryFailure.ConnectionClosed, late.Failure);
        Assert.Equal("Closed with 1000 (normal closure).", late.FailureReason);
        Assert.Equal([DeliveryUpdateKind.Failed], log.KindsFor(late));
        Assert.Equal(2, _transport.Sent.Count);
    }

    [Fact]
    public async Task ACloseWhileDisconnectedFailsTheQueuedMessagesToo()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        tracker.OnDisconnected();
        var queued = await tracker.SendAsync(UserMessage("queued"));

        Assert.Equal(1, tracker.OnClosed("Reconnect attempts ran out."));

        Assert.Equal(DeliveryStatus.Failed, queued.Status);
        Assert.Empty(_transport.Sent);
    }

    [Fact]
    public async Task ThePendingLimitGivesAClearErrorAndFreesUpAsMessagesSettle()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(maxPending: 2), _clock);
        var a = await tracker.SendAsync(UserMessage("a"));
        await tracker.SendAsync(UserMessage("b"));

        var error = Assert.Throws<PendingLimitExceededException>(() => tracker.SendAsync(UserMessage("c")));

        Assert.Equal(2, error.Limit);
        Assert.Contains("MaxPending", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<InvalidOperationException>(error);
        Assert.Equal(2, _transport.Sent.Count);
        Assert.Equal(2, tracker.PendingCount);

        tracker.OnEventReceived(Echo(a.Event, "srv-a", 1));
        var c = await tracker.SendAsync(UserMessage("c"));
        Assert.Equal(DeliveryStatus.Sending, c.Status);
    }

    [Fact]
    public async Task QueuedMessagesCountTowardsThePendingLimit()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(maxPending: 1), _clock);
        tracker.OnDisconnected();
        await tracker.SendAsync(UserMessage("a"));

        Assert.Throws<PendingLimitExceededException>(() => tracker.SendAsync(UserMessage("b")));
    }

    [Fact]
    public async Task DisposeFailsPendingMessagesCancelsTheTransportAndRefusesNewSends()
    {
        var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var log = new UpdateLog(tracker);
        var message = await tracker.SendAsync(UserMessage("hi"));
        var token = _transport.LastToken;
        Assert.False(token.IsCancellationRequested);

        tracker.Dispose();
        Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Failed], log.KindsFor(message));
        tracker.Dispose();

        Assert.True(token.IsCancellationRequested);
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(DeliveryFailure.Disposed, message.Failure);
        Assert.Equal("The delivery tracker was disposed before the server echoed the message.", message.FailureReason);
        Assert.Throws<ObjectDisposedException>(() => tracker.SendAsync(UserMessage("late")));
        Assert.Equal(EchoMatch.None, tracker.OnEventReceived(Echo(message.Event, "srv-1", 1)));
        Assert.Equal(0, tracker.OnClosed("closed"));
        Assert.Equal(0, await tracker.OnReconnectedAsync());
        tracker.OnDisconnected();
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(_transport.Sent);
    }

    [Fact]
    public async Task ASessionEndWithoutAReasonSaysSo()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));

        tracker.OnEventReceived(new SessionEndEvent(new SessionEndPayload()) { Id = "end-1", Sequence = 9 });

        Assert.Equal(DeliveryFailure.SessionEnded, message.Failure);
        Assert.Equal("The session ended (no reason given) before the server echoed the message.", message.FailureReason);
    }

    private static string Text(Event sent) => ((UserMessageEvent)sent).Payload.Text;
}
