using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using Xunit;

namespace PolyChat.Cli.Tests;

/// <summary>
/// The demo's delivery lines, from a real <see cref="DeliveryTracker"/> on a fake clock: what happened to the
/// message, in the words of someone watching the chat (our rule; the protocol only defines the echo as receipt).
/// </summary>
public sealed class DeliveryLineTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly List<DeliveryUpdate> _updates = [];
    private readonly List<Event> _sent = [];
    private Exception? _transportFailure;

    [Fact]
    public async Task FirstSendRetryEchoAndDuplicateEchoReadAsWhatHappened()
    {
        using var tracker = Tracker();
        var message = await tracker.SendAsync(new UserMessageEvent(new UserMessagePayload { Text = "hello?" }));
        Assert.Equal("\"hello?\": sending…", Last());

        AdvanceUntil(() => _updates.Count == 2);
        Assert.Equal("\"hello?\": retrying (attempt 2)", Last());

        tracker.OnEventReceived(Echo(_sent[0], "evt-11", 11));
        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Equal("\"hello?\": sent (echo #11)", Last());

        tracker.OnEventReceived(Echo(_sent[1], "evt-12", 12));
        Assert.Equal("\"hello?\": duplicate echo ignored", Last());
        Assert.DoesNotContain(_updates.Select(DeliveryLine.Format), line => line.Contains("->", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FailureSaysWhy()
    {
        using var tracker = Tracker();
        await tracker.SendAsync(new UserEndSessionEvent(new UserEndSessionPayload()));

        tracker.OnClosed("The connection closed for good.");

        Assert.Equal("end of session: failed: The connection closed for good", Last());
    }

    [Fact]
    public async Task RetriesRunningOutIsAFailureWithTheReason()
    {
        using var tracker = Tracker();
        var message = await tracker.SendAsync(new UserMessageEvent(new UserMessagePayload { Text = "anyone?" }));

        AdvanceUntil(() => message.Status == DeliveryStatus.Failed);

        Assert.Equal($"\"anyone?\": failed: No echo from the server after {message.Attempts} attempts", Last());
        Assert.Equal("failed", DeliveryLine.Word(message.Status));
    }

    [Fact]
    public async Task AnAttemptTheTransportRefusedSaysSoAndThatItWillRetry()
    {
        using var tracker = Tracker();
        _transportFailure = new InvalidOperationException("socket closed.");
        await tracker.SendAsync(new UserMessageEvent(new UserMessagePayload { Text = "hi" }));

        Assert.Contains("\"hi\": attempt 1 did not go out (socket closed), will retry", _updates.Select(DeliveryLine.Format));
    }

    [Fact]
    public void StatusWordsAreLowerCase()
    {
        Assert.Equal("sent", DeliveryLine.Word(DeliveryStatus.Sent));
        Assert.Equal("sending", DeliveryLine.Word(DeliveryStatus.Sending));
    }

    private DeliveryTracker Tracker()
    {
        var tracker = new DeliveryTracker(
            (value, _) =>
            {
                if (_transportFailure is { } failure)
                {
                    _transportFailure = null;
                    throw failure;
                }

                _sent.Add(value);
                return ValueTask.CompletedTask;
            },
            new DeliveryOptions { RetryDelay = TimeSpan.FromSeconds(1) }, _clock);
        tracker.Updated += (_, update) => _updates.Add(update);
        return tracker;
    }

    private string Last() => DeliveryLine.Format(_updates[^1]);

    /// <summary>Moves the fake clock in small steps until the condition holds; an hour of fake time at most.</summary>
    private void AdvanceUntil(Func<bool> condition)
    {
        for (var step = 0; step < 36_000 && !condition(); step++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(condition(), "The condition did not hold within an hour of fake time.");
    }

    /// <summary>The server's echo: the sent event with an envelope, and a message_id for a user message.</summary>
    private static Event Echo(Event sent, string id, long sequence)
    {
        var echo = sent is UserMessageEvent message
            ? message with { Payload = message.Payload with { MessageId = "msg_" + id } }
            : sent;
        return echo with { Id = id, Sequence = sequence, Timestamp = DateTimeOffset.UnixEpoch };
    }
}
