namespace PolyChat.Protocol.Streaming;

/// <summary>Why a streamed message was given up before its last chunk.</summary>
public enum AbandonReason
{
    /// <summary>No chunk arrived for <see cref="StreamAssemblyOptions.IncompleteTimeout"/>.</summary>
    Timeout,

    /// <summary>More than <see cref="StreamAssemblyOptions.MaxOpenMessages"/> messages were open; the oldest went.</summary>
    TooManyOpenMessages,

    /// <summary>The text grew past <see cref="StreamAssemblyOptions.MaxTextLength"/>.</summary>
    TextTooLong,

    /// <summary>More than <see cref="StreamAssemblyOptions.MaxHeldChunks"/> chunks waited behind a missing one.</summary>
    TooManyHeldChunks,

    /// <summary><see cref="MessageStreamAssembler.Flush"/> was called at the end of the stream.</summary>
    EndOfStream,
}
