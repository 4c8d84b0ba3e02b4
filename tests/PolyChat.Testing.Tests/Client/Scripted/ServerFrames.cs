using System.Globalization;
using System.Linq;

namespace PolyChat.Testing.Tests.Client.Scripted;

/// <summary>
/// Server frames as JSON text, shaped like the docs' examples (§8, §1b): each event with its own <c>id</c>,
/// <c>sequence</c> and <c>timestamp</c>; the batch wrapper as just <c>{type, payload}</c> (§1b caveat).
/// Ids are UUID-shaped and derived from the sequence unless given.
/// </summary>
internal static class ServerFrames
{
    public static string Id(long sequence, int variant = 0) =>
        string.Create(CultureInfo.InvariantCulture, $"0190a3f1-{variant:x4}-7000-8000-{sequence:d12}");

    public static string Event(long sequence, string type, string payload, string? metadata = null, string? id = null) =>
        "{" + string.Create(CultureInfo.InvariantCulture, $"\"id\":\"{id ?? Id(sequence)}\",\"sequence\":{sequence},\"timestamp\":\"2026-05-20T09:15:02Z\",\"type\":\"{type}\",\"payload\":{payload}")
        + (metadata is null ? string.Empty : ",\"metadata\":" + metadata) + "}";

    public static string Batch(params string[] events) =>
        "{\"type\":\"EVENT_TYPE_EVENT_BATCH\",\"payload\":{\"events\":[" + string.Join(",", events) + "]}}";

    public static string SessionStart(long sequence = 1, int heartbeatSeconds = 30, int maxReconnectAttempts = 5) =>
        Event(sequence, "EVENT_TYPE_SESSION_START", string.Create(CultureInfo.InvariantCulture,
            $"{{\"capabilities\":{{\"streaming\":false,\"max_message_size_bytes\":131072,\"max_reconnect_attempts\":{maxReconnectAttempts},\"heartbeat_interval_seconds\":{heartbeatSeconds}}}}}"));

    public static string AgentJoined(long sequence) =>
        Event(sequence, "EVENT_TYPE_POLY_AGENT_JOINED", "{\"agent_name\":\"Poly\",\"agent_avatar_url\":\"https://cdn.example.org/poly.png\"}");

    public static string AgentMessage(long sequence, string text) =>
        Event(sequence, "EVENT_TYPE_POLY_AGENT_MESSAGE", "{\"message_id\":\"msg_a_" + sequence.ToString(CultureInfo.InvariantCulture) + "\",\"text\":\"" + text + "\",\"attachments\":[],\"response_suggestions\":[]}");

    /// <summary>Live-agent typing (§8): transient, null sequence; a live frame that is not a batch.</summary>
    public static string Typing(int n) =>
        "{\"id\":\"" + Id(0, n) + "\",\"sequence\":null,\"timestamp\":\"2026-05-20T09:18:11Z\",\"type\":\"EVENT_TYPE_LIVE_AGENT_TYPING\",\"payload\":{\"state\":\"TYPING_STATE_STARTED\",\"agent_id\":\"agent_17\"}}";

    public static string Thinking(long sequence) => Event(sequence, "EVENT_TYPE_POLY_AGENT_THINKING", "{}");

    /// <summary>The echo of a USER_MESSAGE (§8): the text, a server <c>message_id</c>, and the client's metadata back.</summary>
    public static string UserMessageEcho(long sequence, string text, string clientEventId, string? id = null) =>
        Event(sequence, "EVENT_TYPE_USER_MESSAGE", "{\"message_id\":\"msg_u_" + sequence.ToString(CultureInfo.InvariantCulture) + "\",\"text\":\"" + text + "\"}",
            "{\"custom\":{\"client_event_id\":\"" + clientEventId + "\"}}", id);

    public static string JoinEcho(long sequence, string? clientEventId) =>
        Event(sequence, "EVENT_TYPE_REQUEST_POLY_AGENT_JOIN", "{}", clientEventId is null ? null : "{\"custom\":{\"client_event_id\":\"" + clientEventId + "\"}}");

    public static string SessionEnd(long sequence, string reason = "REASON_USER_END") =>
        Event(sequence, "EVENT_TYPE_SESSION_END", "{\"reason\":\"" + reason + "\"}");

    /// <summary>A first-connect history for a new session: SESSION_START only.</summary>
    public static string NewSessionHistory(int heartbeatSeconds = 30, int maxReconnectAttempts = 5) =>
        Batch(SessionStart(1, heartbeatSeconds, maxReconnectAttempts));

    public static string[] Split(string[] events, int[] sizes)
    {
        var batches = new string[sizes.Length];
        var start = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            batches[i] = Batch(events.Skip(start).Take(sizes[i]).ToArray());
            start += sizes[i];
        }

        return batches;
    }
}
