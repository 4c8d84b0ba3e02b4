namespace PolyChat.Protocol;

/// <summary>Which side of the connection sends an event type.</summary>
public enum EventDirection
{
    /// <summary>Only the server sends it.</summary>
    Server,

    /// <summary>Only the client sends it; the server does not echo it.</summary>
    Client,

    /// <summary>The client sends it and the server echoes it back as a delivery receipt.</summary>
    Both,
}
