using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using Xunit;
using static PolyChat.Protocol.Tests.DeliveryTestKit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// How attempts meet the transport (our rules, documented on <see cref="DeliveryTracker"/>): each task it returns is
/// consumed once, a call that finishes later goes on without the caller's synchronization context, and what happens
/// to a message while its attempt is out decides what the attempt's outcome still changes. A held attempt is
/// finished with no synchronization context, so what follows it runs inline and is checked at once.
/// </summary>
public class DeliveryTransportTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly RecordingTransport _transport = new();

    [Fact]
    public async Task ATaskTheTransportFinishedAtOnceIsStillConsumedSoAPooledSourceIsReleased()
    {
        // A ValueTask must be consumed once (GetResult): a pooled source, as a socket's send uses, is reused only then.
        var source = new CompletedSource();
        using var tracker = new DeliveryTracker((_, _) => new ValueTask(source, source.Version), Options(), _clock);

        await tracker.SendAsync(UserMessage("hi"));

        Assert.Equal(1, source.Consumed);
    }

    [Fact]
    public async Task AFirstAttemptThatFinishesLaterCompletesWithoutTheCallersSynchronizationContext()
    {
        // Our rule: a library never resumes on the caller's context (a UI thread could be blocked waiting on the send).
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var context = new PostRecordingContext();
        _transport.HoldNext = true;
        var sending = context.Run(() => tracker.SendAsync(UserMessage("hi")));
        Assert.False(sending.IsCompleted);

        PostRecordingContext.RunWithoutContext(() => _transport.Held.SetException(new IOException("connection reset")));

        Assert.Equal(0, context.Posted);
        Assert.True(sending.IsCompletedSuccessfully);
        var message = await sending;
        Assert.IsType<IOException>(message.LastSendError);
        Assert.Equal(DeliveryStatus.Sending, message.Status);
    }

    [Fact]
    public async Task RetriesGoOutOneAfterAnotherWithoutTheSynchronizationContextTheTimerRanOn()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var a = await tracker.SendAsync(UserMessage("a"));
        var b = await tracker.SendAsync(UserMessage("b"));
        var context = new PostRecordingContext();

        // Both retries fall due at 5 s; a's is still being written, so b's waits for it.
        _transport.HoldNext = true;
        context.Run(() =>
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            return 0;
        });
        Assert.Equal(["a", "b", "a"], _transport.Sent.Select(Text));

        PostRecordingContext.RunWithoutContext(_transport.Held.SetResult);

        Assert.Equal(0, context.Posted);
        Assert.Equal(["a", "b", "a", "b"], _transport.Sent.Select(Text));
        Assert.Equal(2, a.Attempts);
        Assert.Equal(2, b.Attempts);
    }

    [Fact]
    public async Task AMessageSettledWhileTheRetryBeforeItIsOutIsNotSentAgain()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var log = new UpdateLog(tracker);
        var a = await tracker.SendAsync(UserMessage("a"));
        var b = await tracker.SendAsync(UserMessage("b"));
        _transport.HoldNext = true;
        _clock.Advance(TimeSpan.FromSeconds(5));

        // b's echo comes while a's retry is being written: b's retry, queued behind it, is dropped.
        Assert.Equal(EchoMatch.Sent, tracker.OnEventReceived(Echo(b.Event, "srv-b", 2)));
        PostRecordingContext.RunWithoutContext(_transport.Held.SetResult);

        Assert.Equal(["a", "b", "a"], _transport.Sent.Select(Text));
        Assert.Equal(1, b.Attempts);
        Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sent], log.KindsFor(b));
    }

    [Fact]
    public async Task ARetryQueuedBehindAnotherWhenTheLinkDropsIsOwedToTheNextConnection()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var a = await tracker.SendAsync(UserMessage("a"));
        var b = await tracker.SendAsync(UserMessage("b"));
        _transport.HoldNext = true;
        _clock.Advance(TimeSpan.FromSeconds(5));

        tracker.OnDisconnected();
        PostRecordingContext.RunWithoutContext(_transport.Held.SetResult);

        Assert.Equal(["a", "b", "a"], _transport.Sent.Select(Text));
        Assert.Equal(1, b.Attempts);

        Assert.Equal(1, await tracker.OnReconnectedAsync());
        Assert.Equal(["a", "b", "a", "b"], _transport.Sent.Select(Text));
        Assert.Equal(2, b.Attempts);
        Assert.Equal(2, a.Attempts);
    }

    [Fact]
    public async Task AnAttemptThatFailsAfterItsMessageWasSettledChangesNothing()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var log = new UpdateLog(tracker);
        _transport.HoldNext = true;
        var sending = tracker.SendAsync(UserMessage("hi"));
        Assert.True(tracker.TryGetMessage(IdOf(Assert.Single(_transport.Sent)), out var message));

        // The echo proves the server has it; the socket then reports the write failed (as a close racing it can).
        Assert.Equal(EchoMatch.Sent, tracker.OnEventReceived(Echo(message.Event, "srv-1", 1)));
        PostRecordingContext.RunWithoutContext(() => _transport.Held.SetException(new IOException("connection reset")));
        Assert.Same(message, await sending);

        Assert.Null(message.LastSendError);
        Assert.Equal(DeliveryStatus.Sent, message.Status);
        Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.Sent], log.KindsFor(message));
    }

    [Fact]
    public async Task AFailedAttemptIsReportedAsItHappens()
    {
        using var tracker = new DeliveryTracker(_transport.SendAsync, Options(), _clock);
        var log = new UpdateLog(tracker);
        _transport.ThrowNext = new IOException("not connected");

        var message = await tracker.SendAsync(UserMessage("hi"));

        // Raised by the send itself, not left queued for whatever the tracker does next.
        Assert.Equal([DeliveryUpdateKind.Sending, DeliveryUpdateKind.AttemptFailed], log.KindsFor(message));
        var failed = log.All[^1];
        Assert.Equal(1, failed.Attempts);
        Assert.Equal(DeliveryStatus.Sending, failed.Status);
    }

    private static string Text(Event sent) => ((UserMessageEvent)sent).Payload.Text;

    /// <summary>A source already completed, counting how often its result is taken.</summary>
    private sealed class CompletedSource : IValueTaskSource
    {
        public short Version => 7;

        public int Consumed { get; private set; }

        public ValueTaskSourceStatus GetStatus(short token) => ValueTaskSourceStatus.Succeeded;

        public void GetResult(short token) => Consumed++;

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            throw new InvalidOperationException("Already completed: nothing should wait on it.");
    }
}
