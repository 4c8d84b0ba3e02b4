namespace PolyChat.Testing.Probing;

/// <summary>A socket, or the refused handshake's HTTP status.</summary>
/// <param name="Socket">The open socket, or null.</param>
/// <param name="Status">The HTTP status of a refused handshake, when the server sent one.</param>
/// <param name="Failure">What went wrong when there was no HTTP status.</param>
internal sealed record ProbeConnectResult(ProbeSocket? Socket, int? Status, string? Failure)
{
    /// <summary>A one-line description of a refusal.</summary>
    public string DescribeRefusal() => Status is { } status ? $"handshake refused: HTTP {status}" : $"handshake failed: {Failure}";
}
