using System.Globalization;
using System.Text;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;

namespace PolyChat.Protocol.Tests.Receiving;

/// <summary>Hand-written server frames shared by the receiver tests.</summary>
internal static class ReceiverFrames
{
    /// <summary>A UUIDv7-shaped id whose last twelve hex digits are <paramref name="n"/>.</summary>
    public static string Id(long n) => TestIds.UuidText(n);

    /// <summary>A permanent USER_MESSAGE echo numbered <paramref name="sequence"/>, with text "m{sequence}".</summary>
    public static string Message(long sequence, string? id = null) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $$$"""{"id":"{{{id ?? Id(sequence)}}}","sequence":{{{sequence}}},"timestamp":"2026-05-20T09:15:40Z","type":"EVENT_TYPE_USER_MESSAGE","payload":{"message_id":"u{{{sequence}}}","text":"m{{{sequence}}}"}}""");

    /// <summary>A transient LIVE_AGENT_TYPING (null sequence) from agent <paramref name="agent"/>.</summary>
    public static string Typing(string agent, long idNumber) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $$$"""{"id":"{{{Id(idNumber)}}}","sequence":null,"timestamp":"2026-05-20T09:18:11Z","type":"EVENT_TYPE_LIVE_AGENT_TYPING","payload":{"state":"TYPING_STATE_STARTED","agent_id":"{{{agent}}}"}}""");

    /// <summary>A history replay wrapper without an envelope of its own, as in PROTOCOL.md §8.</summary>
    public static string Batch(params string[] events) =>
        $$$"""{"type":"EVENT_TYPE_EVENT_BATCH","payload":{"events":[{{{string.Join(",", events)}}}]}}""";

    public static FrameOutcome Receive(this EventReceiver receiver, string frame) =>
        receiver.Receive(Encoding.UTF8.GetBytes(frame), out _);
}
