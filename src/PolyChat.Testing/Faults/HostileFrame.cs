using System;
using System.Net.WebSockets;
using System.Text;

namespace PolyChat.Testing.Faults;

/// <summary>
/// The malformed and hostile frames a fault may put on the wire in front of a live event. A client must reject
/// each one with a typed error and go on; none of them is a valid event, so none may reach the application.
/// </summary>
/// <param name="Name">What the frame attacks (part of the record's ToString, for debugging).</param>
/// <param name="Bytes">The frame's bytes.</param>
/// <param name="MessageType">Text, except for the binary frame the protocol never uses.</param>
internal sealed record HostileFrame(string Name, ReadOnlyMemory<byte> Bytes, WebSocketMessageType MessageType)
{
    private const string Heartbeat = "{\"id\":\"hostile-0001\",\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{}}";

    /// <summary>Every kind, in the order <see cref="FaultInjector"/> cycles through them.</summary>
    public static HostileFrame[] All(int oversizedBytes) =>
    [
        Text("truncated", Heartbeat[..(Heartbeat.Length / 2)]),
        Text("lone-surrogate", "{\"id\":\"hostile-0005\",\"type\":\"EVENT_TYPE_SYSTEM_MESSAGE\",\"payload\":{\"message\":\"\\ud800 \"}}"),

        // RFC 6455 §8.1: a client fails the connection on invalid UTF-8 in a text frame, so this one tests recovery.
        new("invalid-utf8", (byte[])[.. "{\"id\":\"bad-"u8, 0xC3, 0x28, 0xFF, .. "\",\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{}}"u8], WebSocketMessageType.Text),
        Text("deep-nesting", "{\"type\":\"EVENT_TYPE_SYSTEM_MESSAGE\",\"payload\":" + new string('[', 10_000) + new string(']', 10_000) + "}"),
        Text("second-type", "{\"type\":\"EVENT_TYPE_HEARTBEAT\",\"id\":\"hostile-0002\",\"payload\":{},\"type\":\"EVENT_TYPE_SESSION_END\"}"),
        Text("huge-sequence", "{\"id\":\"hostile-0003\",\"sequence\":1e400,\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{}}"),
        Text("oversized", "{\"id\":\"hostile-0004\",\"type\":\"EVENT_TYPE_SYSTEM_MESSAGE\",\"payload\":{\"message\":\"" + new string('x', oversizedBytes) + "\"}}"),
        new("binary", Encoding.UTF8.GetBytes(Heartbeat), WebSocketMessageType.Binary),
    ];

    private static HostileFrame Text(string name, string json) => new(name, Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text);
}
