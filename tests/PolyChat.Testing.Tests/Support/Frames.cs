namespace PolyChat.Testing.Tests.Support;

/// <summary>Client frames as raw JSON, the way an app would put them on the wire.</summary>
internal static class Frames
{
    public const string Join = """{"type":"EVENT_TYPE_REQUEST_POLY_AGENT_JOIN","payload":{}}""";
    public const string Heartbeat = """{"type":"EVENT_TYPE_HEARTBEAT","payload":{}}""";
    public const string EndSession = """{"type":"EVENT_TYPE_USER_END_SESSION","payload":{}}""";

    public static string UserMessage(string text) =>
        $$$"""{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"{{{text}}}"}}""";

    public static string UserMessage(string text, string clientEventId) =>
        "{\"type\":\"EVENT_TYPE_USER_MESSAGE\",\"payload\":{\"text\":\"" + text + "\"},\"metadata\":{\"custom\":{\"client_event_id\":\"" + clientEventId + "\"}}}";
}
