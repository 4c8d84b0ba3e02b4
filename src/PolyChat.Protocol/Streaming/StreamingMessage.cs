using System.Collections.Generic;
using System.Text;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol;

/// <summary>
/// A PolyAI agent reply being assembled from <see cref="PolyAgentMessageChunkEvent"/>s. Its text grows as
/// chunks are applied in <c>chunk_index</c> order, so a UI can render it while it streams.
/// </summary>
public sealed class StreamingMessage
{
    private readonly StringBuilder _text = new();
    private readonly SortedList<long, PolyAgentMessageChunkEvent> _held = new();
    private List<Attachment>? _attachments;
    private List<ResponseSuggestion>? _suggestions;
    private string? _textSnapshot;
    private PolyAgentMessageChunkEvent? _lastApplied;

    internal StreamingMessage(string messageId, long startedAt, long openOrder)
    {
        MessageId = messageId;
        LastActivity = startedAt;
        OpenOrder = openOrder;
    }

    /// <summary>The <c>message_id</c> shared by the chunks.</summary>
    public string MessageId { get; }

    /// <summary>The text of the chunks applied so far, concatenated in order.</summary>
    public string Text => _textSnapshot ??= _text.ToString();

    /// <summary>The length of <see cref="Text"/>, without building the string.</summary>
    public int TextLength => _text.Length;

    /// <summary>How many chunks have been applied (held ones excluded).</summary>
    public int AppliedChunks { get; private set; }

    /// <summary>How many chunks arrived early and wait for a missing one.</summary>
    public int HeldChunks => _held.Count;

    /// <summary>Whether the chunk with <c>is_complete: true</c> has been applied.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>The attachments of the applied chunks, in order; empty when none carried any.</summary>
    public IReadOnlyList<Attachment> Attachments => (IReadOnlyList<Attachment>?)_attachments ?? [];

    /// <summary>The response suggestions of the applied chunks, in order; empty when none carried any.</summary>
    public IReadOnlyList<ResponseSuggestion> ResponseSuggestions => (IReadOnlyList<ResponseSuggestion>?)_suggestions ?? [];

    internal long NextIndex { get; private set; } = 1;

    internal long LastActivity { get; set; }

    internal long OpenOrder { get; }

    /// <summary>
    /// The message in the shape of an unstreamed <see cref="PolyAgentMessageEvent"/>, so an application handles
    /// streamed and whole replies alike. Its envelope (id, sequence, timestamp, metadata) is the last applied chunk's.
    /// </summary>
    /// <returns>The assembled event; for an incomplete message, what has been assembled so far.</returns>
    public PolyAgentMessageEvent ToMessageEvent()
    {
        var payload = new PolyAgentMessagePayload
        {
            MessageId = MessageId,
            Text = Text,
            Attachments = _attachments?.ToArray(),
            ResponseSuggestions = _suggestions?.ToArray(),
        };
        return new PolyAgentMessageEvent(payload)
        {
            Id = _lastApplied?.Id,
            Sequence = _lastApplied?.Sequence,
            Timestamp = _lastApplied?.Timestamp,
            Metadata = _lastApplied?.Metadata,
        };
    }

    internal bool IsHeld(long index) => _held.ContainsKey(index);

    internal void Hold(PolyAgentMessageChunkEvent chunk) => _held.Add(chunk.Payload.ChunkIndex, chunk);

    internal bool TryTakeHeld(out PolyAgentMessageChunkEvent chunk)
    {
        if (_held.Count > 0 && _held.Keys[0] == NextIndex)
        {
            chunk = _held.Values[0];
            _held.RemoveAt(0);
            return true;
        }

        chunk = null!;
        return false;
    }

    /// <summary>Appends the next chunk in order; false when the text would exceed <paramref name="maxTextLength"/>.</summary>
    internal bool Apply(PolyAgentMessageChunkEvent chunk, int maxTextLength)
    {
        var payload = chunk.Payload;
        if (_text.Length + payload.Text.Length > maxTextLength)
        {
            return false;
        }

        if (payload.Text.Length > 0)
        {
            _text.Append(payload.Text);
            _textSnapshot = null;
        }

        // A present but empty list is kept as such, so the assembled message says "none" as the wire did.
        if (payload.Attachments is { } attachments)
        {
            (_attachments ??= new List<Attachment>()).AddRange(attachments);
        }

        if (payload.ResponseSuggestions is { } suggestions)
        {
            (_suggestions ??= new List<ResponseSuggestion>()).AddRange(suggestions);
        }

        _lastApplied = chunk;
        AppliedChunks++;
        NextIndex++;
        IsComplete = payload.IsComplete;
        return true;
    }
}
