namespace PolyChat.Testing.Probing;

/// <summary>What a probe socket's reader saw: one text frame, the server's close, or the connection lost without one.</summary>
internal enum ProbeFrameKind
{
    /// <summary>A whole text (or binary, read as UTF-8) message.</summary>
    Text,

    /// <summary>The server's close frame.</summary>
    Closed,

    /// <summary>The connection ended without a close frame, not at the probe's request.</summary>
    Dropped,
}

/// <summary>One thing a probe socket received.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">The message, for <see cref="ProbeFrameKind.Text"/>.</param>
/// <param name="CloseStatus">The close code, for <see cref="ProbeFrameKind.Closed"/> (null when the close frame had none).</param>
/// <param name="Detail">The close description, or what the failure said for <see cref="ProbeFrameKind.Dropped"/>.</param>
internal sealed record ProbeFrame(ProbeFrameKind Kind, string? Text = null, int? CloseStatus = null, string? Detail = null)
{
    /// <summary>A one-line description for evidence.</summary>
    public string Describe() => Kind switch
    {
        ProbeFrameKind.Closed => CloseStatus is { } status ? $"close {status} \"{Detail}\"" : "close without a status",
        ProbeFrameKind.Dropped => "connection lost without a close frame",
        _ => Text ?? string.Empty,
    };
}
