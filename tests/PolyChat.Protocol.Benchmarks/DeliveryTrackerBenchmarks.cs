using System;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Benchmarks;

/// <summary>
/// The outbound receipt tracker: send a user message through a transport that completes synchronously, then match
/// its echo. The baseline allocates exactly what one message consists of (its id string, the custom-metadata view,
/// the metadata, the stamped event copy and the <see cref="TrackedMessage"/>) plus the echo copy both methods make,
/// so equal Allocated columns mean tracking adds nothing per message beyond the entry itself.
/// </summary>
[MemoryDiagnoser]
public class DeliveryTrackerBenchmarks
{
    public const int MessagesPerOperation = 1_000;

    private UserMessageEvent _message = null!;
    private DeliveryTracker _tracker = null!;
    private DeliveryTracker _observedTracker = null!;
    private long _updates;

    [GlobalSetup]
    public void Setup()
    {
        _message = new UserMessageEvent(new UserMessagePayload { Text = "Can I change my delivery address?" });

        // Default options: 5 s retries on the system clock. Every message is echoed at once, so the single timer
        // is armed by each send and disarmed by its echo, and never fires.
        _tracker = new DeliveryTracker(static (_, _) => ValueTask.CompletedTask);
        _observedTracker = new DeliveryTracker(static (_, _) => ValueTask.CompletedTask);
        _observedTracker.Updated += (_, update) => _updates += (int)update.Kind;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tracker.Dispose();
        _observedTracker.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = MessagesPerOperation, Description = "entry + echo copy only")]
    public int EntryOnly()
    {
        var sum = 0;
        for (var i = 0; i < MessagesPerOperation; i++)
        {
            var id = Guid.NewGuid().ToString();
            var sent = _message with { Id = null, Sequence = null, Timestamp = null, Metadata = new Metadata { Custom = new ClientEventIdOnly(id) } };
            var entry = new TrackedMessage(id, sent);
            var echo = entry.Event with { Id = "srv", Sequence = i };
            sum += echo.Sequence is null ? 0 : 1;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = MessagesPerOperation, Description = "track + echo")]
    public int TrackAndEcho() => Run(_tracker);

    [Benchmark(OperationsPerInvoke = MessagesPerOperation, Description = "track + echo, update handler")]
    public int TrackAndEchoObserved() => Run(_observedTracker);

    private int Run(DeliveryTracker tracker)
    {
        var sum = 0;
        for (var i = 0; i < MessagesPerOperation; i++)
        {
            // The transport completes synchronously, so the ValueTask holds the result and this does not block.
            var message = tracker.SendAsync(_message).Result;
            var echo = message.Event with { Id = "srv", Sequence = i };
            sum += (int)tracker.OnEventReceived(echo);
        }

        return sum;
    }
}
