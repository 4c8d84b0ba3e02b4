using System.Collections.Generic;
using System.Text;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Streaming;

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

    // Whether a chunk 0 was applied or the stream opened at 0: a later chunk 0 is then a repeat, not the first piece.
    private bool _zeroSeen;

    internal StreamingMessage(string messageId, long startedAt, long openOrder, long firstIndex)
    {
        MessageId = messageId;
        LastActivity = startedAt;
        OpenOrder = openOrder;
        NextIndex = firstIndex;
        _zeroSeen = firstIndex == 0;
    }

    /// <summary>
    /// The prefix of <see cref="ToMessageEvent"/>'s <c>id</c>, followed by the <c>message_id</c>:
    /// <c>assembled:</c>. Server event ids are UUIDs, so an id with this prefix cannot collide with one.
    /// </summary>
    public const string AssembledIdPrefix = "assembled:";

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

    internal long NextIndex { get; private set; }

    internal long LastActivity { get; set; }

    internal long OpenOrder { get; }

    /// <summary>
    /// The message in the shape of an unstreamed <see cref="PolyAgentMessageEvent"/>, so an application handles
    /// streamed and whole replies alike.
    /// </summary>
    /// <returns>The assembled event; for an incomplete message, what has been assembled so far.</returns>
    /// <remarks>
    /// <para>
    /// The assembled message is not a server event, so it must not carry a server event's identity: with the last
    /// chunk's <c>id</c>, an application that deduplicates by <c>id</c>, as PROTOCOL.md §1b tells it to, would drop
    /// the whole reply as a repeat of that chunk. Its <c>id</c> is derived instead:
    /// <see cref="AssembledIdPrefix"/> followed by the <c>message_id</c> (<c>assembled:msg_…</c>). It cannot collide
    /// with a server id (those are UUIDs), it is the same each time the same message is assembled (after a reconnect
    /// replays its chunks, say), so deduplication by <c>id</c> still shows the reply once, and it survives apps that
    /// drop events without an <c>id</c>, as PolyAI's Android SDK does.
    /// </para>
    /// <para>
    /// Its <c>sequence</c> is null: it has no place of its own in the session history (the chunks have theirs), and a
    /// copied sequence would make it look like a duplicate of the last chunk to an application ordering by sequence.
    /// <c>timestamp</c> and <c>metadata</c> are the last applied chunk's: when the reply completed, and what the
    /// server attached to it.
    /// </para>
    /// </remarks>
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
            Id = AssembledIdPrefix + MessageId,
            Sequence = null,
            Timestamp = _lastApplied?.Timestamp,
            Metadata = _lastApplied?.Metadata,
        };
    }

    internal bool IsHeld(long index) => _held.ContainsKey(index);

    /// <summary>
    /// Whether <paramref name="index"/> is a chunk 0 of a stream that opened at 1 and has had no chunk 0: a 0-based
    /// stream whose first chunk came late. It goes in front of what is applied.
    /// </summary>
    internal bool IsLateFirst(long index) => index == 0 && !_zeroSeen;

    /// <summary>Puts a late chunk 0 in front of the applied text and lists; false when the text would exceed <paramref name="maxTextLength"/>.</summary>
    internal bool Prepend(PolyAgentMessageChunkEvent chunk, int maxTextLength)
    {
        var payload = chunk.Payload;
        var text = payload.Text ?? string.Empty;
        if (_text.Length + text.Length > maxTextLength)
        {
            return false;
        }

        _zeroSeen = true;
        if (text.Length > 0)
        {
            _text.Insert(0, text);
            _textSnapshot = null;
        }

        if (payload.Attachments is { } attachments)
        {
            (_attachments ??= new List<Attachment>()).InsertRange(0, attachments);
        }

        if (payload.ResponseSuggestions is { } suggestions)
        {
            (_suggestions ??= new List<ResponseSuggestion>()).InsertRange(0, suggestions);
        }

        _lastApplied ??= chunk;
        AppliedChunks++;
        IsComplete |= payload.IsComplete == true;
        return true;
    }

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

        // An absent text (the schema's optional, e.g. an empty final piece left out) adds nothing.
        var text = payload.Text ?? string.Empty;
        if (_text.Length + text.Length > maxTextLength)
        {
            return false;
        }

        if (text.Length > 0)
        {
            _text.Append(text);
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
        // An absent is_complete never claims completion.
        IsComplete = payload.IsComplete == true;
        return true;
    }
}
