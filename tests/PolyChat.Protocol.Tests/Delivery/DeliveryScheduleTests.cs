using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using Xunit;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// The documented receipt schedule, to the tick (PROTOCOL.md §2: send at 0 s, retries at 5, 10 and 20 s, failed at
/// 35 s; the first wait is 5 s and after retry n the wait is 5 s × n). Echoes are read from JSON text, as the server
/// sends them.
/// </summary>
public class DeliveryScheduleTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    // §2: the instants of the attempts, with the default options.
    private static readonly TimeSpan[] Attempts =
        [TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)];

    // §2: "after the third retry the next check, at 35 s, marks the message failed".
    private static readonly TimeSpan FailedAt = TimeSpan.FromSeconds(35);

    private readonly FakeTimeProvider _clock = new();
    private readonly RecordingTransport _transport = new();

    [Fact]
    public async Task TheDefaultScheduleSendsAt0And5And10And20SecondsAndFailsAt35()
    {
        // §2, the receipt algorithm: these exact instants and nothing in between.
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        var log = new UpdateLog(tracker);
        var start = _clock.GetUtcNow();
        var message = await tracker.SendAsync(UserMessage("hello?"));
        Assert.Single(_transport.Sent);

        for (var attempt = 1; attempt < Attempts.Length; attempt++)
        {
            AdvanceTo(start, Attempts[attempt] - Tick);
            Assert.Equal(attempt, _transport.Sent.Count);
            AdvanceTo(start, Attempts[attempt]);
            Assert.Equal(attempt + 1, _transport.Sent.Count);
            Assert.Equal(DeliveryStatus.Sending, message.Status);
        }

        AdvanceTo(start, FailedAt - Tick);
        Assert.Equal(DeliveryStatus.Sending, message.Status);
        AdvanceTo(start, FailedAt);
        Assert.Equal(DeliveryStatus.Failed, message.Status);
        Assert.Equal(DeliveryFailure.RetriesExhausted, message.Failure);
        Assert.Equal("No echo from the server after 4 attempts.", message.FailureReason);

        // §2: every attempt carries the same client_event_id.
        Assert.All(_transport.Sent, sent => Assert.Equal(message.ClientEventId, IdOf(sent)));
        Assert.Equal(
            [DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sending, DeliveryUpdateKind.Failed],
            log.KindsFor(message));

        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(4, _transport.Sent.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AnEchoAfterAnyAttemptSettlesSentAndStopsTheSchedule(int attempts)
    {
        // §2: "an echo at any point removes it from the map and marks it sent".
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        var log = new UpdateLog(tracker);
        var start = _clock.GetUtcNow();
        var message = await tracker.SendAsync(UserMessage("hello?"));

        // Instant by instant: a fake clock jumping past a deadline would fire it late and shift the schedule.
        for (var i = 1; i < attempts; i++)
        {
            AdvanceTo(start, Attempts[i]);
        }

        Assert.Equal(attempts, _transport.Sent.Count);

        // The echo comes just before the next instant (the next retry, or the failure after the last one).
        var next = attempts < Attempts.Length ? Attempts[attempts] : FailedAt;
        AdvanceTo(start, next - Tick);
        var echo = EchoFrame(_transport.Sent[^1], "0190a3f1-0000-7000-8000-00000000000" + attempts, 40 + attempts);
        Assert.Equal(EchoMatch.Sent, tracker.OnEventReceived(echo));
        Assert.Equal(DeliveryStatus.Sent, message.Status);

        AdvanceTo(start, TimeSpan.FromMinutes(10));
        Assert.Equal(attempts, _transport.Sent.Count);
        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Equal(DeliveryStatus.Sent, await message.Completion);
        Assert.Equal($"msg_0190a3f1-0000-7000-8000-00000000000{attempts}", message.ServerMessageId);
        Assert.DoesNotContain(DeliveryUpdateKind.Failed, log.KindsFor(message));
        Assert.Equal(DeliveryUpdateKind.Sent, log.KindsFor(message)[^1]);
        Assert.Equal(0, tracker.PendingCount);
    }

    [Fact]
    public async Task TwoEchoesOfARetriedMessageAreOneMessageAndTheSecondIsADuplicateCounted()
    {
        // §2: every attempt carries the same client_event_id, so a retry that also reached the server is echoed twice
        // (two server ids, §1b). The application must see one message: the second echo is reported as a duplicate,
        // as a delivery update and a counter (our API; the docs only say to match echoes by the id).
        using var tracker = new DeliveryTracker(_transport.SendAsync, new DeliveryOptions(), _clock);
        var log = new UpdateLog(tracker);
        var message = await tracker.SendAsync(UserMessage("hi"));
        _clock.Advance(Attempts[1]);
        Assert.Equal(2, _transport.Sent.Count);

        var first = EchoFrame(_transport.Sent[0], "0190a3f1-4444-7000-8000-000000000001", 7);
        var second = EchoFrame(_transport.Sent[1], "0190a3f1-4444-7000-8000-000000000002", 8);

        Assert.Equal(EchoMatch.Sent, tracker.OnEventReceived(first));
        Assert.Equal(EchoMatch.ExtraCopy, tracker.OnEventReceived(second, out var matched));
        Assert.Equal(EchoMatch.Repeated, tracker.OnEventReceived(first));

        Assert.Same(message, matched);
        Assert.Equal(1, tracker.ExtraCopies);
        Assert.Equal(1, message.ExtraCopies);
        Assert.Equal("0190a3f1-4444-7000-8000-000000000001", message.ServerEventId);
        Assert.Equal(
            [DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sent, DeliveryUpdateKind.ExtraCopy],
            log.KindsFor(message));
    }

    [Fact]
    public void TheDocumentedScheduleIsTheDefault()
    {
        // §2: a 5 s unit and three retries.
        var options = new DeliveryOptions();
        Assert.Equal(TimeSpan.FromSeconds(5), options.RetryDelay);
        Assert.Equal(3, options.MaxRetries);
    }

    private void AdvanceTo(DateTimeOffset start, TimeSpan at)
    {
        var now = _clock.GetUtcNow() - start;
        Assert.True(at >= now, $"the test moves time forward only ({now} -> {at})");
        _clock.Advance(at - now);
    }
}
