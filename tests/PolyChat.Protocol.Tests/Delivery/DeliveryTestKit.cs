using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Tests;

/// <summary>Events, echoes and a recording transport for the delivery tests.</summary>
internal static class DeliveryTestKit
{
    public static UserMessageEvent UserMessage(string text, IReadOnlyDictionary<string, string>? custom = null) =>
        new(new UserMessagePayload { Text = text }) { Metadata = custom is null ? null : new Metadata { Custom = custom } };

    public static string IdOf(Event sent) => sent.Metadata!.Custom![DeliveryTracker.ClientEventIdKey];

    /// <summary>The server's echo of a sent event: same type, payload and metadata, plus an envelope (and a message_id for user messages).</summary>
    public static Event Echo(Event sent, string serverId, long sequence)
    {
        var echo = sent is UserMessageEvent message
            ? message with { Payload = message.Payload with { MessageId = $"msg_{serverId}" } }
            : sent;
        return echo with { Id = serverId, Sequence = sequence, Timestamp = new DateTimeOffset(2026, 5, 20, 9, 15, 40, TimeSpan.Zero) };
    }

    /// <summary>
    /// The server's echo of a sent user message, read from JSON text as a real frame would be: nothing is shared with
    /// the sent event's objects, only its <c>client_event_id</c> and text are copied into the frame.
    /// </summary>
    public static Event EchoFrame(Event sent, string serverId, long sequence)
    {
        var text = System.Text.Json.JsonEncodedText.Encode(((UserMessageEvent)sent).Payload.Text);
        var frame =
            "{\"id\":\"" + serverId + "\",\"sequence\":" + sequence + ",\"timestamp\":\"2026-05-20T09:15:40Z\"," +
            "\"type\":\"EVENT_TYPE_USER_MESSAGE\",\"payload\":{\"text\":\"" + text + "\",\"message_id\":\"msg_" + serverId + "\"}," +
            "\"metadata\":{\"custom\":{\"client_event_id\":\"" + IdOf(sent) + "\"}}}";
        return PolyChatJson.Read(frame);
    }

    /// <summary>An ERROR system message read from JSON text, tied to <paramref name="clientEventId"/> when given (§6: metadata is echoed on errors).</summary>
    public static Event ErrorFrame(string text, string? clientEventId, string serverId = "sys-1", long sequence = 50)
    {
        var metadata = clientEventId is null ? "" : ",\"metadata\":{\"custom\":{\"client_event_id\":\"" + clientEventId + "\"}}";
        var frame =
            "{\"id\":\"" + serverId + "\",\"sequence\":" + sequence + ",\"timestamp\":\"2026-05-20T09:15:41Z\"," +
            "\"type\":\"EVENT_TYPE_SYSTEM_MESSAGE\",\"payload\":{\"level\":\"SYSTEM_MESSAGE_LEVEL_ERROR\",\"message\":\"" +
            System.Text.Json.JsonEncodedText.Encode(text) + "\"}" + metadata + "}";
        return PolyChatJson.Read(frame);
    }

    public static SystemMessageEvent SystemMessage(SystemMessageLevel level, string text, string? clientEventId) =>
        new(new SystemMessagePayload { Level = level, Message = text })
        {
            Id = "sys-" + Guid.NewGuid().ToString("N"),
            Sequence = 99,
            Metadata = clientEventId is null
                ? null
                : new Metadata { Custom = new Dictionary<string, string> { [DeliveryTracker.ClientEventIdKey] = clientEventId } },
        };

    public static SessionEndEvent SessionEnd(SessionEndReason reason) =>
        new(new SessionEndPayload { Reason = reason }) { Id = "end-1", Sequence = 100 };

    /// <summary>
    /// Lets time pass in 100 ms steps, as a real clock would. FakeTimeProvider 8.x moves its clock to the end of an
    /// <c>Advance</c> before it runs the timers due on the way, so one long jump looks like a single late wake-up.
    /// </summary>
    public static void Pass(this FakeTimeProvider clock, TimeSpan span)
    {
        var step = TimeSpan.FromMilliseconds(100);
        for (var passed = TimeSpan.Zero; passed < span; passed += step)
        {
            clock.Advance(span - passed < step ? span - passed : step);
        }
    }

    public static DeliveryOptions Options(int maxPending = 256, int settledWindow = 128) =>
        new() { MaxPending = maxPending, SettledWindow = settledWindow };
}

/// <summary>A transport that records every event handed to it and can be told to fail.</summary>
internal sealed class RecordingTransport
{
    private readonly object _gate = new();
    private readonly List<Event> _sent = new();

    /// <summary>When set, each call throws this (synchronously) instead of recording.</summary>
    public Exception? ThrowNext { get; set; }

    /// <summary>When true, failures come back through a faulted task rather than a synchronous throw.</summary>
    public bool FailAsynchronously { get; set; }

    /// <summary>The token of the latest call.</summary>
    public CancellationToken LastToken { get; private set; }

    /// <summary>When set, the next call records its event and returns a task still running (<see cref="Held"/>).</summary>
    public bool HoldNext { get; set; }

    /// <summary>The task of the latest held call: complete it (or fault it) to finish that call.</summary>
    public TaskCompletionSource Held { get; private set; } = new();

    public IReadOnlyList<Event> Sent
    {
        get
        {
            lock (_gate)
            {
                return _sent.ToArray();
            }
        }
    }

    public ValueTask SendAsync(Event clientEvent, CancellationToken cancellationToken)
    {
        LastToken = cancellationToken;
        if (ThrowNext is { } failure)
        {
            if (FailAsynchronously)
            {
                return ValueTask.FromException(failure);
            }

            throw failure;
        }

        lock (_gate)
        {
            _sent.Add(clientEvent);
        }

        if (HoldNext)
        {
            // Continuations run inline when the test completes it, as a socket's write finishing on its own thread.
            HoldNext = false;
            Held = new TaskCompletionSource();
            return new ValueTask(Held.Task);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Records every update a tracker raises.</summary>
internal sealed class UpdateLog
{
    private readonly object _gate = new();
    private readonly List<DeliveryUpdate> _updates = new();

    public UpdateLog(DeliveryTracker tracker) => tracker.Updated += (_, update) =>
    {
        lock (_gate)
        {
            _updates.Add(update);
        }
    };

    public IReadOnlyList<DeliveryUpdate> All
    {
        get
        {
            lock (_gate)
            {
                return _updates.ToArray();
            }
        }
    }

    public List<DeliveryUpdateKind> KindsFor(TrackedMessage message)
    {
        var kinds = new List<DeliveryUpdateKind>();
        foreach (var update in All)
        {
            if (ReferenceEquals(update.Message, message))
            {
                kinds.Add(update.Kind);
            }
        }

        return kinds;
    }
}
