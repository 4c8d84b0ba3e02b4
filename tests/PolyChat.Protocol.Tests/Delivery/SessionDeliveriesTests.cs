using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using Xunit;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>The read-only view a session gives applications of its delivery tracker (our API; the docs have no such notion).</summary>
public class SessionDeliveriesTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly RecordingTransport _transport = new();

    [Fact]
    public void TheViewOffersOnlyWhatAnApplicationReads()
    {
        // Connection changes, received events, sends and disposal are the session's to report, not the application's.
        var members = typeof(SessionDeliveries)
            .GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(member => member is not MethodInfo { IsSpecialName: true })
            .Select(member => member.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(["ExtraCopies", "PendingCount", "TryGetMessage", "Updated"], members);
        Assert.False(typeof(IDisposable).IsAssignableFrom(typeof(SessionDeliveries)));
        Assert.Equal(typeof(SessionDeliveries), typeof(Client.PolyChatSession).GetProperty("Deliveries")!.PropertyType);
    }

    [Fact]
    public async Task TheViewReadsTheTrackerAndRaisesItsUpdatesAsItself()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var view = new SessionDeliveries(tracker, (_, exception) => throw exception);
        var seen = new List<(object? Sender, DeliveryUpdateKind Kind)>();
        view.Updated += (sender, update) => seen.Add((sender, update.Kind));

        var message = await tracker.SendAsync(UserMessage("hi"));
        Assert.Equal(1, view.PendingCount);
        Assert.True(view.TryGetMessage(message.ClientEventId, out var found));
        Assert.Same(message, found);

        tracker.OnEventReceived(Echo(message.Event, "srv-1", 1));
        tracker.OnEventReceived(Echo(message.Event, "srv-2", 2));

        Assert.Equal(0, view.PendingCount);
        Assert.Equal(1, view.ExtraCopies);
        Assert.False(view.TryGetMessage("unknown", out _));
        Assert.Equal(
            [(view, DeliveryUpdateKind.Sending), (view, DeliveryUpdateKind.Sent), (view, DeliveryUpdateKind.ExtraCopy)],
            seen);
    }

    [Fact]
    public async Task AHandlerThatThrowsIsReportedAndTheOthersStillRun()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var failures = new List<(string Event, Exception Error)>();
        var view = new SessionDeliveries(tracker, (name, exception) => failures.Add((name, exception)));
        var boom = new InvalidOperationException("boom");
        var heard = 0;
        view.Updated += (_, _) => throw boom;
        view.Updated += (_, _) => heard++;

        var message = await tracker.SendAsync(UserMessage("hi"));
        tracker.OnEventReceived(Echo(message.Event, "srv-1", 1));

        Assert.Equal(2, heard);
        Assert.Equal([("Updated", (Exception)boom), ("Updated", boom)], failures);
        Assert.Equal(DeliveryStatus.Sent, message.Status);
    }

    [Fact]
    public async Task AnUnsubscribedHandlerHearsNothingMore()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var view = new SessionDeliveries(tracker, (_, exception) => throw exception);
        var count = 0;
        EventHandler<DeliveryUpdate> handler = (_, _) => count++;
        view.Updated += handler;
        await tracker.SendAsync(UserMessage("one"));
        view.Updated -= handler;

        await tracker.SendAsync(UserMessage("two"));

        Assert.Equal(1, count);
    }
}
