using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using Xunit;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>The decision table alone: what an event carrying a message's id is to that message (PROTOCOL.md §2, §6).</summary>
public class EchoRulesTests
{
    [Theory]
    // §6: "Failed to forward message to live agent" fails the message even once sent.
    [InlineData(SystemErrorKind.MessageLost, DeliveryStatus.Sending, EchoMatch.Lost)]
    [InlineData(SystemErrorKind.MessageLost, DeliveryStatus.Sent, EchoMatch.Lost)]
    [InlineData(SystemErrorKind.MessageLost, DeliveryStatus.Failed, EchoMatch.ErrorAfterSettled)]
    // §6: "transient; retry after 2–5 s" for a pending message only.
    [InlineData(SystemErrorKind.Transient, DeliveryStatus.Sending, EchoMatch.RetryScheduled)]
    [InlineData(SystemErrorKind.Transient, DeliveryStatus.Sent, EchoMatch.ErrorAfterSettled)]
    [InlineData(SystemErrorKind.InvalidClientEvent, DeliveryStatus.Sending, EchoMatch.Rejected)]
    [InlineData(SystemErrorKind.AgentError, DeliveryStatus.Failed, EchoMatch.ErrorAfterSettled)]
    [InlineData(SystemErrorKind.Unrecognised, DeliveryStatus.Sending, EchoMatch.Rejected)]
    public void AnErrorActsByItsKindAndTheMessagesStatus(SystemErrorKind kind, DeliveryStatus status, EchoMatch expected)
    {
        Assert.Equal(expected, EchoRules.ClassifyError(status, kind));
    }

    [Fact]
    public void TheFirstEchoIsTheReceiptAndALaterOneWithAnotherIdIsAnExtraCopy()
    {
        // §2: the echo is the receipt; §1b: a new server id is a new stored event.
        var message = new TrackedMessage("id-1", UserMessage("hi"));
        Assert.Equal(EchoMatch.Sent, EchoRules.Classify(message, Echo(message.Event, "srv-1", 1)));

        message.Settle(DeliveryStatus.Sent, Echo(message.Event, "srv-1", 1), DeliveryFailure.None, reason: null);
        message.EchoDelivered = true;

        Assert.Equal(EchoMatch.Repeated, EchoRules.Classify(message, Echo(message.Event, "srv-1", 1)));
        Assert.Equal(EchoMatch.ExtraCopy, EchoRules.Classify(message, Echo(message.Event, "srv-2", 2)));
    }

    [Fact]
    public void AMessageSettledByAnEchoAheadOfItsTurnShowsTheFirstCopyInOrder()
    {
        // Settled on arrival (the echo waited behind a hole): whichever copy comes first in order is the one shown.
        var message = new TrackedMessage("id-1", UserMessage("hi"));
        message.Settle(DeliveryStatus.Sent, Echo(message.Event, "srv-2", 2), DeliveryFailure.None, reason: null);

        Assert.Equal(EchoMatch.Repeated, EchoRules.Classify(message, Echo(message.Event, "srv-1", 1)));
        message.DeliverEcho(Echo(message.Event, "srv-1", 1));
        Assert.Equal(EchoMatch.ExtraCopy, EchoRules.Classify(message, Echo(message.Event, "srv-2", 2)));
        Assert.Equal("srv-1", message.ServerEventId);
    }

    [Fact]
    public void OnlyAnEventOfTheSameTypeWithAServerIdIsAnEcho()
    {
        var message = new TrackedMessage("id-1", UserMessage("hi"));

        Assert.Equal(EchoMatch.None, EchoRules.Classify(message, message.Event));
        Assert.Equal(EchoMatch.None, EchoRules.Classify(message, SystemMessage(SystemMessageLevel.Warning, "slow", "id-1")));
        Assert.Equal(
            EchoMatch.None,
            EchoRules.Classify(message, new PolyAgentMessageEvent(new PolyAgentMessagePayload { Text = "Sure." }) { Id = "srv-9", Sequence = 9 }));
    }

    [Fact]
    public void AnEchoOfAFailedMessageIsLate()
    {
        var message = new TrackedMessage("id-1", UserMessage("hi"));
        message.Settle(DeliveryStatus.Failed, echo: null, DeliveryFailure.RetriesExhausted, "no echo");

        Assert.Equal(EchoMatch.LateEcho, EchoRules.Classify(message, Echo(message.Event, "srv-1", 1)));
    }
}
