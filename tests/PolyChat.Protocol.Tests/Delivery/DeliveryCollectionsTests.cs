using System;
using System.Collections.Generic;
using PolyChat.Protocol.Delivery;
using Xunit;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// The tracker's two collections: pending messages in send order and the window of recently settled ones. Their
/// rules are ours (the docs only ask for echoes to be matched by <c>client_event_id</c>, §2).
/// </summary>
public class DeliveryCollectionsTests
{
    [Fact]
    public void PendingMessagesKeepSendOrderAcrossRemovals()
    {
        var pending = new PendingMessages();
        var (a, b, c, d) = (Message("a"), Message("b"), Message("c"), Message("d"));
        pending.Add(a);
        pending.Add(b);
        pending.Add(c);

        pending.Remove(b);
        pending.Add(d);

        Assert.Equal([a, c, d], Walk(pending));
        Assert.Equal(3, pending.Count);
        Assert.True(pending.TryGet("c", out var found));
        Assert.Same(c, found);
        Assert.False(pending.TryGet("b", out _));
    }

    [Fact]
    public void AMessageCanBeRemovedWhileTheListIsWalked()
    {
        // The timer's walk settles messages as it goes; it takes each node's successor first.
        var pending = new PendingMessages();
        var messages = new[] { Message("a"), Message("b"), Message("c") };
        foreach (var message in messages)
        {
            pending.Add(message);
        }

        for (var node = pending.First; node is not null;)
        {
            var message = node.Value;
            node = node.Next;
            pending.Remove(message);
        }

        Assert.Equal(0, pending.Count);
        Assert.Null(pending.First);
        Assert.All(messages, message => Assert.False(pending.TryGet(message.ClientEventId, out _)));
    }

    [Fact]
    public void TwoPendingMessagesCannotShareAnId()
    {
        var pending = new PendingMessages();
        pending.Add(Message("same"));

        Assert.Throws<ArgumentException>(() => pending.Add(Message("same")));
        Assert.Equal(1, pending.Count);
    }

    [Fact]
    public void TheSettledWindowForgetsTheOldestFirst()
    {
        var window = new SettledWindow(2);
        var (a, b, c) = (Message("a"), Message("b"), Message("c"));

        Assert.Null(window.Remember(a));
        Assert.Null(window.Remember(b));
        Assert.Same(a, window.Remember(c));

        Assert.Equal(2, window.Count);
        Assert.False(window.TryGet("a", out _));
        Assert.True(window.TryGet("b", out var foundB));
        Assert.Same(b, foundB);
        Assert.True(window.TryGet("c", out var foundC));
        Assert.Same(c, foundC);
    }

    [Fact]
    public void AWindowOfZeroForgetsEachMessageAtOnce()
    {
        var window = new SettledWindow(0);
        var message = Message("a");

        Assert.Same(message, window.Remember(message));
        Assert.Equal(0, window.Count);
        Assert.False(window.TryGet("a", out _));
    }

    [Fact]
    public void ForgettingAnOlderMessageKeepsTheNewerOneUnderTheSameId()
    {
        // A settled message re-sent under its client_event_id settles again as a new message with the same id.
        var window = new SettledWindow(2);
        var first = Message("same");
        var again = Message("same");
        window.Remember(first);
        window.Remember(again);
        Assert.True(window.TryGet("same", out var latest));
        Assert.Same(again, latest);

        Assert.Same(first, window.Remember(Message("other")));

        Assert.True(window.TryGet("same", out var kept));
        Assert.Same(again, kept);
    }

    private static TrackedMessage Message(string clientEventId) => new(clientEventId, UserMessage(clientEventId));

    private static List<TrackedMessage> Walk(PendingMessages pending)
    {
        var order = new List<TrackedMessage>();
        for (var node = pending.First; node is not null; node = node.Next)
        {
            order.Add(node.Value);
        }

        return order;
    }
}
