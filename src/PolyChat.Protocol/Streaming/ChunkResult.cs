namespace PolyChat.Protocol.Streaming;

/// <summary>What <see cref="MessageStreamAssembler.Add"/> did with a chunk.</summary>
public enum ChunkResult
{
    /// <summary>The chunk (and any held successors) was applied; the message's text grew. Check <see cref="StreamingMessage.IsComplete"/>.</summary>
    Applied,

    /// <summary>The chunk arrived ahead of a missing one and is held until the gap fills.</summary>
    Held,

    /// <summary>
    /// This chunk index was already applied or held, or the message already completed or was abandoned: not applied,
    /// counted in <see cref="MessageStreamAssembler.IgnoredChunks"/>.
    /// </summary>
    Ignored,

    /// <summary>Applying the chunk would break a bound; the message was abandoned (see <see cref="MessageStreamAssembler.TryTakeAbandoned"/>).</summary>
    Rejected,

    /// <summary>
    /// The <c>chunk_index</c> is negative, which no numbering allows: not applied, counted in
    /// <see cref="MessageStreamAssembler.IgnoredChunks"/>; the message, if open, is unchanged.
    /// </summary>
    InvalidIndex,
}
