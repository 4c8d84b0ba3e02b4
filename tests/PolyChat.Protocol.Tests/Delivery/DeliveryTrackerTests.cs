using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using Xunit;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>Sending, stamping and matching echoes.</summary>
public class DeliveryTrackerTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly RecordingTransport _transport = new();
    private readonly DeliveryTracker _tracker;

    public DeliveryTrackerTests() => _tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);

    [Fact]
    public async Task SendAssignsAGuidClientEventIdAndKeepsTheCallersCustomMetadata()
    {
        var callers = new Dictionary<string, string> { ["conversation"] = "c-17", ["locale"] = "fr-FR" };

        var message = await _tracker.SendAsync(UserMessage("Bonjour", callers));

        Assert.True(Guid.TryParse(message.ClientEventId, out _), message.ClientEventId);
        var sent = Assert.Single(_transport.Sent);
        Assert.Same(message.Event, sent);
        var custom = sent.Metadata!.Custom!;
        Assert.Equal(3, custom.Count);
        Assert.Equal("c-17", custom["conversation"]);
        Assert.Equal("fr-FR", custom["locale"]);
        Assert.Equal(message.ClientEventId, custom[DeliveryTracker.ClientEventIdKey]);
        Assert.Equal("Bonjour", ((UserMessageEvent)sent).Payload.Text);

        // The caller's dictionary is copied, not changed, so later edits cannot alter retries.
        Assert.False(callers.ContainsKey(DeliveryTracker.ClientEventIdKey));
        callers["locale"] = "de-DE";
        Assert.Equal("fr-FR", custom["locale"]);

        Assert.Equal(DeliveryStatus.Sending, message.Status);
        Assert.Equal(1, message.Attempts);
        Assert.Equal(1, _tracker.PendingCount);
    }

    [Fact]
    public async Task AnEventWithoutMetadataGoesOutWithOnlyTheIdAsTheProtocolExampleShows()
    {
        var message = await _tracker.SendAsync(UserMessage("Can I change my delivery address?"));

        using var frame = JsonDocument.Parse(PolyChatJson.WriteClientEvent(message.Event));
        var root = frame.RootElement;
        Assert.Equal("EVENT_TYPE_USER_MESSAGE", root.GetProperty("type").GetString());
        Assert.Equal("Can I change my delivery address?", root.GetProperty("payload").GetProperty("text").GetString());
        var custom = root.GetProperty("metadata").GetProperty("custom");
        var pair = Assert.Single(custom.EnumerateObject());
        Assert.Equal(DeliveryTracker.ClientEventIdKey, pair.Name);
        Assert.Equal(message.ClientEventId, pair.Value.GetString());
        Assert.False(root.TryGetProperty("id", out _));
        Assert.False(root.TryGetProperty("sequence", out _));
        Assert.False(root.TryGetProperty("timestamp", out _));
    }

    [Fact]
    public async Task TheIdOnlyMetadataOfAnEventWithoutMetadataReadsAsAOnePairDictionary()
    {
        var message = await _tracker.SendAsync(UserMessage("hi"));
        var custom = message.Event.Metadata!.Custom!;

        Assert.Single(custom);
        Assert.Equal([DeliveryTracker.ClientEventIdKey], custom.Keys);
        Assert.Equal([message.ClientEventId], custom.Values);
        Assert.Equal(
            [new KeyValuePair<string, string>(DeliveryTracker.ClientEventIdKey, message.ClientEventId)],
            ((System.Collections.IEnumerable)custom).Cast<KeyValuePair<string, string>>());
        Assert.True(custom.ContainsKey(DeliveryTracker.ClientEventIdKey));
        Assert.False(custom.ContainsKey("Client_Event_Id"));
        Assert.False(custom.TryGetValue("locale", out var missing));
        Assert.Null(missing);
        var error = Assert.Throws<KeyNotFoundException>(() => custom["locale"]);
        Assert.Contains("'locale'", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>("key", () => custom.TryGetValue(null!, out _));
    }

    [Fact]
    public async Task EnvelopeFieldsLeftOnTheCallersEventAreDropped()
    {
        var stale = UserMessage("again") with { Id = "old", Sequence = 4, Timestamp = DateTimeOffset.UnixEpoch };

        var message = await _tracker.SendAsync(stale);

        Assert.Null(message.Event.Id);
        Assert.Null(message.Event.Sequence);
        Assert.Null(message.Event.Timestamp);
    }

    [Fact]
    public async Task EverySendGetsItsOwnId()
    {
        var ids = new HashSet<string>();
        for (int i = 0; i < 50; i++)
        {
            Assert.True(ids.Add((await _tracker.SendAsync(UserMessage($"m{i}"))).ClientEventId));
        }
    }

    [Fact]
    public async Task EveryEchoedClientEventTypeCanBeTracked()
    {
        Event[] events =
        [
            new RequestPolyAgentJoinEvent(new RequestPolyAgentJoinPayload()),
            new HeartbeatEvent(new HeartbeatPayload()),
            new UserEndSessionEvent(new UserEndSessionPayload()),
        ];

        foreach (var clientEvent in events)
        {
            var message = await _tracker.SendAsync(clientEvent);
            Assert.Equal(EchoMatch.Sent, _tracker.OnEventReceived(Echo(message.Event, "srv-" + clientEvent.Type, 1)));
            Assert.Equal(DeliveryStatus.Sent, message.Status);
            Assert.Null(message.ServerMessageId);
            Assert.Equal("srv-" + clientEvent.Type, message.ServerEventId);
        }
    }

    [Fact]
    public void ServerOnlyEventsAreRejected()
    {
        var system = SystemMessage(SystemMessageLevel.Info, "hello", clientEventId: null);
        var unknown = new UnknownEvent("EVENT_TYPE_FROM_THE_FUTURE", null);

        var error = Assert.Throws<ArgumentException>("clientEvent", () => _tracker.SendAsync(system));
        Assert.StartsWith("EVENT_TYPE_SYSTEM_MESSAGE is sent only by the server", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("clientEvent", () => _tracker.SendAsync(unknown));
        Assert.Empty(_transport.Sent);
        Assert.Equal(0, _tracker.PendingCount);
    }

    [Fact]
    public void EventsTheServerNeverEchoesAreRejectedBecauseNoReceiptCouldCome()
    {
        var typing = new UserTypingEvent(new UserTypingPayload { State = TypingState.Started });

        var error = Assert.Throws<ArgumentException>("clientEvent", () => _tracker.SendAsync(typing));

        Assert.Contains("does not echo", error.Message, StringComparison.Ordinal);
        Assert.Empty(_transport.Sent);
    }

    [Fact]
    public void NullIsRejected()
    {
        Assert.Throws<ArgumentNullException>("clientEvent", () => _tracker.SendAsync(null!));
        Assert.Throws<ArgumentNullException>("serverEvent", () => _tracker.OnEventReceived(null!));
        Assert.Throws<ArgumentNullException>("reason", () => _tracker.OnClosed(null!));
        Assert.Throws<ArgumentNullException>("transport", () => new DeliveryTracker(null!));
        Assert.Throws<ArgumentNullException>("clientEventId", () => _tracker.TryGetMessage(null!, out _));
    }

    [Fact]
    public async Task ACallerSuppliedIdIsKeptSoAFailedMessageCanBeSentAgainUnderItsIdentity()
    {
        var first = await _tracker.SendAsync(UserMessage("hi"));
        _tracker.OnEventReceived(SystemMessage(SystemMessageLevel.Error, "Unknown event type or invalid message format", first.ClientEventId));
        Assert.Equal(DeliveryStatus.Failed, first.Status);

        var again = await _tracker.SendAsync(first.Event);

        Assert.NotSame(first, again);
        Assert.Equal(first.ClientEventId, again.ClientEventId);
        Assert.True(_tracker.TryGetMessage(first.ClientEventId, out var known));
        Assert.Same(again, known);
        Assert.Equal(EchoMatch.Sent, _tracker.OnEventReceived(Echo(again.Event, "srv-1", 1)));
        Assert.Equal(DeliveryStatus.Sent, again.Status);
        Assert.Equal(DeliveryStatus.Failed, first.Status);
    }

    [Fact]
    public async Task AnIdThatIsStillPendingOrEmptyIsRejected()
    {
        var pending = await _tracker.SendAsync(UserMessage("hi"));
        var empty = UserMessage("x", new Dictionary<string, string> { [DeliveryTracker.ClientEventIdKey] = "" });

        var taken = Assert.Throws<ArgumentException>("clientEvent", () => _tracker.SendAsync(pending.Event));
        Assert.Contains($"'{pending.ClientEventId}' belongs to a message still pending", taken.Message, StringComparison.Ordinal);
        var blank = Assert.Throws<ArgumentException>("clientEvent", () => _tracker.SendAsync(empty));
        Assert.StartsWith("metadata.custom.client_event_id is empty", blank.Message, StringComparison.Ordinal);
        Assert.Single(_transport.Sent);
        Assert.Equal(1, _tracker.PendingCount);
    }

    [Fact]
    public async Task TheEchoMarksTheMessageSentAndAttachesTheServersIds()
    {
        var log = new UpdateLog(_tracker);
        var message = await _tracker.SendAsync(UserMessage("Can I change my delivery address?"));
        var echo = Echo(message.Event, "0190a3f1-4e80-7c2a-b1d9-2f6a8c0d4e12", 6);

        var match = _tracker.OnEventReceived(echo, out var matched);

        Assert.Equal(EchoMatch.Sent, match);
        Assert.Same(message, matched);
        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Same(echo, message.Echo);
        Assert.Equal("msg_0190a3f1-4e80-7c2a-b1d9-2f6a8c0d4e12", message.ServerMessageId);
        Assert.Equal("0190a3f1-4e80-7c2a-b1d9-2f6a8c0d4e12", message.ServerEventId);
        Assert.Equal(6, message.ServerSequence);
        Assert.Equal(DeliveryFailure.None, message.Failure);
        Assert.Null(message.FailureReason);
        Assert.False(message.ServerHoldsExtraCopy);
        Assert.Equal(0, _tracker.PendingCount);
        Assert.True(message.Completion.IsCompletedSuccessfully);
        Assert.Equal(DeliveryStatus.Sent, await message.Completion);
        Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sent], log.KindsFor(message));
        Assert.Equal(new DeliveryUpdate(message, DeliveryUpdateKind.Sent, DeliveryStatus.Sent, 1), log.All[^1]);
    }

    [Fact]
    public async Task CompletionAwaitedBeforeTheEchoFinishesWhenItArrives()
    {
        var message = await _tracker.SendAsync(UserMessage("hi"));
        var completion = message.Completion;
        Assert.False(completion.IsCompleted);

        _tracker.OnEventReceived(Echo(message.Event, "srv-1", 1));

        Assert.Equal(DeliveryStatus.Sent, await completion.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task AnEchoOfAnIdThisTrackerNeverIssuedIsIgnored()
    {
        var message = await _tracker.SendAsync(UserMessage("mine"));
        var foreign = UserMessage("someone else's", new Dictionary<string, string> { [DeliveryTracker.ClientEventIdKey] = Guid.NewGuid().ToString() });
        var noMetadata = UserMessage("replayed history") with { Id = "srv-9", Sequence = 9 };

        Assert.Equal(EchoMatch.None, _tracker.OnEventReceived(Echo(foreign, "srv-8", 8), out var matched));
        Assert.Null(matched);
        Assert.Equal(EchoMatch.None, _tracker.OnEventReceived(noMetadata));
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        Assert.Equal(1, _tracker.PendingCount);
    }

    [Fact]
    public async Task EventsOfAnotherTypeCarryingTheSameMetadataAreNotEchoes()
    {
        // The server copies metadata onto the events a client event causes, such as the agent's reply.
        var message = await _tracker.SendAsync(UserMessage("hi"));
        var reply = new PolyAgentMessageEvent(new PolyAgentMessagePayload { MessageId = "msg_a", Text = "Hello!" })
        {
            Id = "srv-2",
            Sequence = 2,
            Metadata = message.Event.Metadata,
        };

        Assert.Equal(EchoMatch.None, _tracker.OnEventReceived(reply));
        Assert.Equal(DeliveryStatus.Sending, message.Status);
    }

    [Fact]
    public async Task TheClientsOwnEventFedBackWithoutAServerIdIsNotAnEcho()
    {
        var message = await _tracker.SendAsync(UserMessage("hi"));

        Assert.Equal(EchoMatch.None, _tracker.OnEventReceived(message.Event));
        Assert.Equal(DeliveryStatus.Sending, message.Status);
    }

    [Fact]
    public async Task TheSameEchoSeenAgainChangesNothing()
    {
        var log = new UpdateLog(_tracker);
        var message = await _tracker.SendAsync(UserMessage("hi"));
        var echo = Echo(message.Event, "srv-1", 1);
        _tracker.OnEventReceived(echo);

        Assert.Equal(EchoMatch.Repeated, _tracker.OnEventReceived(echo with { }));
        Assert.Equal(0, message.ExtraCopies);
        Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sent], log.KindsFor(message));
    }

    [Fact]
    public async Task ABatchPassedWholeHasItsEchoesMatched()
    {
        var message = await _tracker.SendAsync(UserMessage("hi"));
        var batch = new EventBatchEvent(new EventBatchPayload { Events = [Echo(message.Event, "srv-1", 1)] });

        Assert.Equal(EchoMatch.None, _tracker.OnEventReceived(batch));
        Assert.Equal(DeliveryStatus.Sent, message.Status);
    }

    [Fact]
    public async Task AnErrorSystemMessageCarryingTheIdFailsTheMessageWithTheServersText()
    {
        var log = new UpdateLog(_tracker);
        var message = await _tracker.SendAsync(UserMessage("hi"));
        const string Text = "Sorry, I'm having trouble responding right now. Please try again.";

        var match = _tracker.OnEventReceived(SystemMessage(SystemMessageLevel.Error, Text, message.ClientEventId), out var matched);

        Assert.Equal(EchoMatch.Rejected, match);
        Assert.Same(message, matched);
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(DeliveryFailure.ServerError, message.Failure);
        Assert.Equal(Text, message.FailureReason);
        Assert.Equal(DeliveryStatus.Failed, await message.Completion);
        Assert.Equal(0, _tracker.PendingCount);
        Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Failed], log.KindsFor(message));

        // Failed means no more retries.
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Single(_transport.Sent);
    }

    [Fact]
    public async Task InfoAndWarningSystemMessagesChangeNothing()
    {
        var message = await _tracker.SendAsync(UserMessage("hi"));

        Assert.Equal(EchoMatch.None, _tracker.OnEventReceived(SystemMessage(SystemMessageLevel.Info, "fyi", message.ClientEventId)));
        Assert.Equal(EchoMatch.None, _tracker.OnEventReceived(SystemMessage(SystemMessageLevel.Warning, "careful", message.ClientEventId)));
        Assert.Equal(EchoMatch.None, _tracker.OnEventReceived(SystemMessage(SystemMessageLevel.Error, "someone else's", Guid.NewGuid().ToString())));
        Assert.Equal(DeliveryStatus.Sending, message.Status);
    }

    [Fact]
    public async Task AnErrorForAMessageAlreadySentIsReportedButDoesNotUnsendIt()
    {
        // §6: a failed response ("the user can re-send") says nothing against the delivery; only a lost message does
        // (see SystemErrorTests).
        var message = await _tracker.SendAsync(UserMessage("hi"));
        _tracker.OnEventReceived(Echo(message.Event, "srv-1", 1));

        var match = _tracker.OnEventReceived(SystemMessage(SystemMessageLevel.Error, "Sorry, I'm having trouble responding right now. Please try again.", message.ClientEventId));

        Assert.Equal(EchoMatch.ErrorAfterSettled, match);
        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Null(message.FailureReason);
    }

    [Fact]
    public async Task AThrowingUpdateHandlerDoesNotStopTracking()
    {
        var seen = new List<DeliveryUpdateKind>();
        _tracker.Updated += (_, update) => seen.Add(update.Kind);
        _tracker.Updated += (_, _) => throw new InvalidOperationException("handler bug");

        var message = await _tracker.SendAsync(UserMessage("hi"));
        _tracker.OnEventReceived(Echo(message.Event, "srv-1", 1));
        var second = await _tracker.SendAsync(UserMessage("again"));

        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Equal(EchoMatch.Sent, _tracker.OnEventReceived(Echo(second.Event, "srv-2", 2)));
        Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sent, DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sent], seen);
    }

    [Fact]
    public async Task AnUnsubscribedHandlerHearsNothingMore()
    {
        var heard = 0;
        void Handler(object? sender, DeliveryUpdate update) => heard++;
        _tracker.Updated += Handler;
        await _tracker.SendAsync(UserMessage("one"));
        Assert.Equal(1, heard);

        _tracker.Updated -= Handler;
        await _tracker.SendAsync(UserMessage("two"));

        Assert.Equal(1, heard);
    }

    [Fact]
    public async Task AHandlerMaySendFromInsideAnUpdateWithoutDeadlockOrReordering()
    {
        var order = new List<(string Text, DeliveryUpdateKind Kind)>();
        TrackedMessage? followUp = null;
        int depth = 0, deepest = 0;
        _tracker.Updated += (_, update) =>
        {
            deepest = Math.Max(deepest, ++depth);
            order.Add((((UserMessageEvent)update.Message.Event).Payload.Text, update.Kind));
            if (update.Kind == DeliveryUpdateKind.Sent && followUp is null)
            {
                followUp = _tracker.SendAsync(UserMessage("follow-up")).AsTask().GetAwaiter().GetResult();
            }

            depth--;
        };

        var first = await _tracker.SendAsync(UserMessage("first"));
        _tracker.OnEventReceived(Echo(first.Event, "srv-1", 1));

        Assert.NotNull(followUp);

        // The follow-up's update waits for the running handler to return instead of recursing into it.
        Assert.Equal(1, deepest);
        Assert.Equal(
            [("first", DeliveryUpdateKind.Sending), ("first", DeliveryUpdateKind.Sent), ("follow-up", DeliveryUpdateKind.Sending)],
            order);
        Assert.Equal(2, _transport.Sent.Count);
    }
}
