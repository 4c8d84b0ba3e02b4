using System;

namespace PolyChat.Protocol.Streaming;

/// <summary>
/// Bounds for <see cref="MessageStreamAssembler"/>. Every buffer it keeps is limited by one of these. Each property
/// is validated when it is set, so an options instance is always usable.
/// </summary>
public sealed class StreamAssemblyOptions
{
    /// <summary>How many streamed messages may be open at once; opening one more abandons the oldest. Default 16.</summary>
    public int MaxOpenMessages { get; init => field = OptionRules.InRange(value, 1, int.MaxValue); } = 16;

    /// <summary>
    /// The longest assembled text, in UTF-16 chars; a message that grows past it is abandoned. Default 1,048,576,
    /// well above what fits in PolyAI's 128 KB frames over a whole reply.
    /// </summary>
    public int MaxTextLength { get; init => field = OptionRules.InRange(value, 1, int.MaxValue); } = 1 << 20;

    /// <summary>How many out-of-order chunks one message may hold while it waits for a missing one. Default 256.</summary>
    public int MaxHeldChunks { get; init => field = OptionRules.InRange(value, 1, int.MaxValue); } = 256;

    /// <summary>How long a message may stay incomplete after its last chunk before it is abandoned. Default 2 minutes.</summary>
    public TimeSpan IncompleteTimeout { get; init => field = OptionRules.Positive(value, TimeSpan.MaxValue); } = TimeSpan.FromMinutes(2);

    /// <summary>How many completed message ids are remembered, so late duplicate chunks are recognised. Default 64.</summary>
    public int CompletedIdWindow { get; init => field = OptionRules.InRange(value, 0, int.MaxValue); } = 64;
}
