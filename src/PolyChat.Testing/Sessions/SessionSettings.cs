namespace PolyChat.Testing.Sessions;

/// <summary>What the client chose when it created the session.</summary>
/// <param name="StreamingEnabled">Whether agent replies arrive as chunks.</param>
/// <param name="Platform">The <c>platform</c> field of the request (default <c>web</c>).</param>
internal sealed record SessionSettings(bool StreamingEnabled, string Platform);
