using System;
using System.Collections.Generic;
using PolyChat.Protocol.Delivery;
using Xunit;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>How delivery updates reach handlers: in order, one at a time, never recursively (our rules, documented on <see cref="DeliveryTracker.Updated"/>).</summary>
public class UpdateDispatcherTests
{
    private static readonly TrackedMessage Message = new("id", UserMessage("hi"));

    [Fact]
    public void UpdatesReachHandlersInTheOrderTheyWereQueuedWithTheOwnerAsSender()
    {
        var owner = new object();
        var dispatcher = new UpdateDispatcher(owner);
        var seen = new List<(object? Sender, DeliveryUpdateKind Kind)>();
        dispatcher.Handlers += (sender, update) => seen.Add((sender, update.Kind));

        dispatcher.Enqueue(Update(DeliveryUpdateKind.Sending));
        dispatcher.Enqueue(Update(DeliveryUpdateKind.Sent));
        Assert.Empty(seen);
        dispatcher.Dispatch();

        Assert.Equal([(owner, DeliveryUpdateKind.Sending), (owner, DeliveryUpdateKind.Sent)], seen);
    }

    [Fact]
    public void WithoutHandlersNothingIsQueued()
    {
        var dispatcher = new UpdateDispatcher(new object());
        dispatcher.Enqueue(Update(DeliveryUpdateKind.Sending));

        var seen = new List<DeliveryUpdateKind>();
        dispatcher.Handlers += (_, update) => seen.Add(update.Kind);
        dispatcher.Dispatch();

        Assert.Empty(seen);
    }

    [Fact]
    public void AnUpdateQueuedByAHandlerRunsAfterItNotInsideIt()
    {
        var dispatcher = new UpdateDispatcher(new object());
        var log = new List<string>();
        dispatcher.Handlers += (_, update) =>
        {
            log.Add($"start {update.Kind}");
            if (update.Kind == DeliveryUpdateKind.Sending)
            {
                // A handler that sends again: the tracker queues the change and dispatches, as SendAsync does.
                dispatcher.Enqueue(Update(DeliveryUpdateKind.Sent));
                dispatcher.Dispatch();
            }

            log.Add($"end {update.Kind}");
        };

        dispatcher.Enqueue(Update(DeliveryUpdateKind.Sending));
        dispatcher.Dispatch();

        Assert.Equal(["start Sending", "end Sending", "start Sent", "end Sent"], log);
    }

    [Fact]
    public void AThrowingHandlerDoesNotStopLaterUpdates()
    {
        var dispatcher = new UpdateDispatcher(new object());
        var seen = new List<DeliveryUpdateKind>();
        dispatcher.Handlers += (_, update) =>
        {
            seen.Add(update.Kind);
            throw new InvalidOperationException("bad handler");
        };

        dispatcher.Enqueue(Update(DeliveryUpdateKind.Sending));
        dispatcher.Enqueue(Update(DeliveryUpdateKind.Failed));
        dispatcher.Dispatch();

        Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Failed], seen);
    }

    private static DeliveryUpdate Update(DeliveryUpdateKind kind) => new(Message, kind, DeliveryStatus.Sending, 1);
}
