using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using Xunit;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>ERROR system messages tied to tracked messages, by their documented meaning (PROTOCOL.md §6). Frames are read from JSON text.</summary>
public class SystemErrorTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private readonly FakeTimeProvider _clock = new();
    private readonly RecordingTransport _transport = new();

    [Theory]
    [InlineData("Unknown event type or invalid message format", SystemErrorKind.InvalidClientEvent)]
    [InlineData("Event type not allowed: EVENT_TYPE_SESSION_END", SystemErrorKind.InvalidClientEvent)]
    [InlineData("Our system is experiencing high load. Please try again in a moment.", SystemErrorKind.Transient)]
    [InlineData("Error: Unable to retrieve session", SystemErrorKind.Transient)]
    [InlineData("Sorry, I'm unable to start a conversation right now. Please try again later.", SystemErrorKind.AgentError)]
    [InlineData("Sorry, I'm having trouble responding right now. Please try again.", SystemErrorKind.AgentError)]
    [InlineData("Sorry, I encountered an error. Please try again.", SystemErrorKind.AgentError)]
    [InlineData("Error: Session not found", SystemErrorKind.SessionError)]
    [InlineData("Error: Connector not found", SystemErrorKind.SessionError)]
    [InlineData("Error: Conversation not found", SystemErrorKind.SessionError)]
    [InlineData("Error: Conversation ID not found in session", SystemErrorKind.SessionError)]
    [InlineData("Sorry, we could not connect you to an agent. Please try again.", SystemErrorKind.HandoffError)]
    [InlineData("Sorry, handoff could not be initiated.", SystemErrorKind.HandoffError)]
    [InlineData("Failed to forward message to live agent", SystemErrorKind.MessageLost)]
    [InlineData("  failed to forward message to live agent ", SystemErrorKind.MessageLost)]
    [InlineData("Something new went wrong", SystemErrorKind.Unrecognised)]
    [InlineData(null, SystemErrorKind.Unrecognised)]
    public void EachDocumentedMessageHasItsMeaning(string? text, SystemErrorKind expected)
    {
        // §6 lists these strings and what each means; case and surrounding space are our leniency.
        Assert.Equal(expected, SystemErrors.Classify(text));
    }

    [Fact]
    public async Task HighLoadRetriesThePendingMessageAfter3SecondsInsteadOfFailingIt()
    {
        // §6: "Our system is experiencing high load…" is transient, "retry after 2–5 s"; 3 s is our fixed choice.
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        var log = new UpdateLog(tracker);
        var message = await tracker.SendAsync(UserMessage("hi"));
        _clock.Advance(TimeSpan.FromSeconds(1));

        var match = tracker.OnEventReceived(ErrorFrame(SystemErrors.HighLoad, message.ClientEventId), out var matched);

        Assert.Equal(EchoMatch.RetryScheduled, match);
        Assert.Same(message, matched);
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        Assert.Equal(SystemErrors.HighLoad, message.LastServerError);
        _clock.Advance(TimeSpan.FromSeconds(3) - Tick);
        Assert.Single(_transport.Sent);
        _clock.Advance(Tick);
        Assert.Equal(2, _transport.Sent.Count);
        Assert.Equal(message.ClientEventId, IdOf(_transport.Sent[1]));

        Assert.Equal(EchoMatch.Sent, tracker.OnEventReceived(EchoFrame(_transport.Sent[1], "0190a3f1-1111-7000-8000-000000000001", 3)));
        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Equal(
            [DeliveryUpdateKind.Sending, DeliveryUpdateKind.RetryScheduled, DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sent],
            log.KindsFor(message));
    }

    [Fact]
    public async Task AServerThatStaysOverloadedEndsTheMessageAsFailedWithinTheRetryBudget()
    {
        // §6 (transient) within §2's bound: each transient retry takes the place of one of the schedule's attempts
        // (our rule, so nothing waits forever), and the 35 s deadline holds.
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));
        for (var i = 0; i < 4; i++)
        {
            tracker.OnEventReceived(ErrorFrame(SystemErrors.HighLoad, message.ClientEventId, $"sys-{i}", 10 + i));
            _clock.Advance(TimeSpan.FromSeconds(3));
        }

        // Attempts at 0, 3, 6 and 9 s; the fourth error finds none left, so only the deadline remains.
        Assert.Equal(4, _transport.Sent.Count);
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        _clock.Advance(TimeSpan.FromSeconds(35 - 12) - Tick);
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        _clock.Advance(Tick);
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(DeliveryFailure.RetriesExhausted, message.Failure);
        Assert.Equal(4, _transport.Sent.Count);
        Assert.Contains(SystemErrors.HighLoad, message.FailureReason, StringComparison.Ordinal);
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(4, _transport.Sent.Count);
    }

    [Fact]
    public async Task ATransientErrorAfterTheLastAttemptLeavesOnlyTheDeadlineToWakeFor()
    {
        // Nothing is left to send, so the error must not bring a wake-up forward: the next is the 35 s deadline.
        var clock = new CountingTimeProvider(_clock);
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), clock);
        var message = await tracker.SendAsync(UserMessage("hi"));
        for (var i = 0; i < 3; i++)
        {
            tracker.OnEventReceived(ErrorFrame(SystemErrors.HighLoad, message.ClientEventId, $"sys-{i}", 10 + i));
            _clock.Advance(TimeSpan.FromSeconds(3));
        }

        Assert.Equal(4, _transport.Sent.Count);
        Assert.Equal(3, clock.Fired);
        Assert.Equal(EchoMatch.RetryScheduled, tracker.OnEventReceived(ErrorFrame(SystemErrors.HighLoad, message.ClientEventId, "sys-3", 13)));

        _clock.Pass(TimeSpan.FromSeconds(35 - 9) - Tick);
        Assert.Equal(3, clock.Fired);
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        _clock.Advance(Tick);
        Assert.Equal(4, clock.Fired);
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(4, _transport.Sent.Count);
    }

    [Theory]
    [InlineData("Unknown event type or invalid message format")]
    [InlineData("Event type not allowed: EVENT_TYPE_POLY_AGENT_MESSAGE")]
    public async Task ClientErrorsFailThePendingMessageForGood(string text)
    {
        // §6: the client sent something the server cannot accept; the same frame again gets the same answer.
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));

        Assert.Equal(EchoMatch.Rejected, tracker.OnEventReceived(ErrorFrame(text, message.ClientEventId)));

        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(DeliveryFailure.ServerError, message.Failure);
        Assert.Equal(text, message.FailureReason);
        Assert.Equal(text, message.LastServerError);
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(_transport.Sent);
    }

    [Fact]
    public async Task AForwardFailureMarksTheSentMessageItNamesAsLost()
    {
        // §6: "Failed to forward message to live agent" means that user message was lost in the handoff, though echoed.
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        var log = new UpdateLog(tracker);
        var message = await tracker.SendAsync(UserMessage("to the human"));
        var other = await tracker.SendAsync(UserMessage("another"));
        tracker.OnEventReceived(EchoFrame(message.Event, "0190a3f1-2222-7000-8000-000000000001", 5));
        tracker.OnEventReceived(EchoFrame(other.Event, "0190a3f1-2222-7000-8000-000000000002", 6));

        var match = tracker.OnEventReceived(ErrorFrame(SystemErrors.ForwardFailed, message.ClientEventId), out var matched);

        Assert.Equal(EchoMatch.Lost, match);
        Assert.Same(message, matched);
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(DeliveryFailure.Lost, message.Failure);
        Assert.Contains("lost", message.FailureReason, StringComparison.Ordinal);
        Assert.Equal(SystemErrors.ForwardFailed, message.LastServerError);
        Assert.NotNull(message.Echo);
        Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sent, DeliveryUpdateKind.Lost], log.KindsFor(message));

        // Completion reported the first settlement; the update says what changed since.
        Assert.Equal(DeliveryStatus.Sent, await message.Completion);
        Assert.Equal(DeliveryStatus.Sent, other.Status);

        // A second report changes nothing more.
        Assert.Equal(EchoMatch.ErrorAfterSettled, tracker.OnEventReceived(ErrorFrame(SystemErrors.ForwardFailed, message.ClientEventId, "sys-2", 51)));
    }

    [Fact]
    public async Task AForwardFailureWithoutMetadataIsTheMostRecentlySentUserMessages()
    {
        // §6 ties errors by echoed metadata; without it the docs are silent: our rule is the most recently sent user message.
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        Assert.Equal(EchoMatch.None, tracker.OnEventReceived(ErrorFrame(SystemErrors.ForwardFailed, clientEventId: null, "sys-0", 1)));

        var first = await tracker.SendAsync(UserMessage("first"));
        var second = await tracker.SendAsync(UserMessage("second"));
        tracker.OnEventReceived(EchoFrame(first.Event, "0190a3f1-3333-7000-8000-000000000001", 2));
        tracker.OnEventReceived(EchoFrame(second.Event, "0190a3f1-3333-7000-8000-000000000002", 3));

        var log = new UpdateLog(tracker);

        Assert.Equal(EchoMatch.Lost, tracker.OnEventReceived(ErrorFrame(SystemErrors.ForwardFailed, clientEventId: null, "sys-1", 4), out var matched));

        Assert.Same(second, matched);
        Assert.Equal([DeliveryUpdateKind.Lost], log.KindsFor(second));
        Assert.Equal(DeliveryStatus.Failed, second.Status);
        Assert.Equal(DeliveryStatus.Sent, first.Status);

        // The rule names one message once: a second untied report does not reach back to the earlier one.
        Assert.Equal(EchoMatch.None, tracker.OnEventReceived(ErrorFrame(SystemErrors.ForwardFailed, clientEventId: null, "sys-2", 5)));
        Assert.Equal(DeliveryStatus.Sent, first.Status);
    }

    [Fact]
    public async Task AForwardFailureNamingAnEarlierMessageLeavesTheMostRecentOneToTheRule()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        var first = await tracker.SendAsync(UserMessage("first"));
        var second = await tracker.SendAsync(UserMessage("second"));
        tracker.OnEventReceived(EchoFrame(first.Event, "0190a3f1-4444-7000-8000-000000000001", 2));
        tracker.OnEventReceived(EchoFrame(second.Event, "0190a3f1-4444-7000-8000-000000000002", 3));

        Assert.Equal(EchoMatch.Lost, tracker.OnEventReceived(ErrorFrame(SystemErrors.ForwardFailed, first.ClientEventId, "sys-1", 4)));
        Assert.Equal(EchoMatch.Lost, tracker.OnEventReceived(ErrorFrame(SystemErrors.ForwardFailed, clientEventId: null, "sys-2", 5), out var matched));

        Assert.Same(second, matched);
        Assert.Equal(DeliveryFailure.Lost, second.Failure);
    }

    [Fact]
    public async Task OnlyUserMessagesAreTheRulesMessageAndOtherSettlementsLeaveItInPlace()
    {
        // The rule names the most recently *sent user message*: a heartbeat echoed since, or a user message that
        // failed since, is not it.
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        var said = await tracker.SendAsync(UserMessage("said"));
        tracker.OnEventReceived(EchoFrame(said.Event, "0190a3f1-5555-7000-8000-000000000001", 2));
        var heartbeat = await tracker.SendAsync(new HeartbeatEvent(new HeartbeatPayload()));
        tracker.OnEventReceived(Echo(heartbeat.Event, "0190a3f1-5555-7000-8000-000000000002", 3));
        var refused = await tracker.SendAsync(UserMessage("refused"));
        tracker.OnEventReceived(ErrorFrame("Sorry, I encountered an error. Please try again.", refused.ClientEventId, "sys-1", 4));
        Assert.Equal(DeliveryStatus.Sent, heartbeat.Status);
        Assert.Equal(DeliveryStatus.Failed, refused.Status);

        Assert.Equal(EchoMatch.Lost, tracker.OnEventReceived(ErrorFrame(SystemErrors.ForwardFailed, clientEventId: null, "sys-2", 5), out var matched));

        Assert.Same(said, matched);
        Assert.Equal(DeliveryStatus.Sent, heartbeat.Status);
        Assert.Equal(DeliveryFailure.ServerError, refused.Failure);
    }

    [Fact]
    public async Task AnUntiedErrorOtherThanAForwardFailureIsTiedToNoMessage()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        var message = await tracker.SendAsync(UserMessage("hi"));
        tracker.OnEventReceived(EchoFrame(message.Event, "0190a3f1-6666-7000-8000-000000000001", 2));

        var agentError = tracker.OnEventReceived(ErrorFrame("Sorry, I encountered an error. Please try again.", clientEventId: null, "sys-1", 3), out var byError);
        var warning = tracker.OnEventReceived(
            SystemMessage(SystemMessageLevel.Warning, SystemErrors.ForwardFailed, clientEventId: null), out var byWarning);

        Assert.Equal(EchoMatch.None, agentError);
        Assert.Null(byError);
        Assert.Equal(EchoMatch.None, warning);
        Assert.Null(byWarning);
        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Null(message.LastServerError);
    }

    [Fact]
    public async Task AForwardFailureForAPendingMessageFailsItAsLost()
    {
        // §6: the message was lost; no retry can bring it to the live agent, so it is not retried.
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        var log = new UpdateLog(tracker);
        var message = await tracker.SendAsync(UserMessage("hi"));

        Assert.Equal(EchoMatch.Lost, tracker.OnEventReceived(ErrorFrame(SystemErrors.ForwardFailed, message.ClientEventId)));

        Assert.Equal(DeliveryFailure.Lost, message.Failure);
        Assert.Equal(SystemErrors.ForwardFailed, message.LastServerError);
        Assert.Equal(DeliveryStatus.Failed, await message.Completion);
        Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Failed], log.KindsFor(message));
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(_transport.Sent);
    }

    [Fact]
    public void TheTransientDelayIsAValidatedOption()
    {
        // §6 "retry after 2–5 s": the default sits inside it.
        Assert.Equal(TimeSpan.FromSeconds(3), new DeliveryOptions().TransientErrorDelay);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeliveryOptions { TransientErrorDelay = TimeSpan.Zero });
    }
}
