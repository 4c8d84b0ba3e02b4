using System;
using System.Collections.Generic;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Streaming;

/// <summary>
/// Assembles streamed agent replies: groups <see cref="PolyAgentMessageChunkEvent"/>s by <c>message_id</c>,
/// applies them in <c>chunk_index</c> order, concatenates text, appends attachments and suggestions,
/// and completes a message on the chunk with <c>is_complete: true</c>
/// (<see href="https://docs.poly.ai/api-reference/messaging/streaming">PolyAI streaming</see>, PROTOCOL.md §4d).
/// </summary>
/// <remarks>
/// <para>
/// The docs number chunks from 1 (§4d). A stream numbered from 0 is accepted too, so that no piece is lost: a
/// message whose first chunk is chunk 0 counts from 0, and a chunk 0 that arrives after chunk 1 of a message
/// (a 0-based stream whose first piece came late) is put in front of the text. This is our rule; the docs do
/// not mention 0.
/// </para>
/// <para>
/// Nothing is ignored without a trace: every chunk that is not applied or held is counted in
/// <see cref="IgnoredChunks"/> and returned as <see cref="ChunkResult.Ignored"/> (its index was applied already,
/// or its message completed or was abandoned) or <see cref="ChunkResult.InvalidIndex"/> (a negative
/// <c>chunk_index</c>); a message given up is reported through <see cref="TryTakeAbandoned"/>.
/// </para>
/// <para>Out-of-order chunks are held until the gap fills. Everything is bounded by
/// <see cref="StreamAssemblyOptions"/>: a message that never completes is abandoned and reported through
/// <see cref="TryTakeAbandoned"/>, never leaked.</para>
/// <para>Not thread-safe: one receive loop owns an instance, as it owns the connection.</para>
/// </remarks>
public sealed class MessageStreamAssembler
{
    private readonly StreamAssemblyOptions _options;
    private readonly Dictionary<string, StreamingMessage> _open = new(StringComparer.Ordinal);
    private readonly HashSet<string> _completed = new(StringComparer.Ordinal);
    private readonly Queue<string> _completedOrder = new();
    private readonly Queue<AbandonedMessage> _abandoned = new();
    private readonly TimeProvider _time;
    private long _opened;

    /// <summary>Creates an assembler.</summary>
    /// <param name="options">Bounds; defaults when null.</param>
    /// <param name="timeProvider">The clock for <see cref="StreamAssemblyOptions.IncompleteTimeout"/>; <see cref="TimeProvider.System"/> when null.</param>
    public MessageStreamAssembler(StreamAssemblyOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new StreamAssemblyOptions();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How many messages are open (started, not complete, not abandoned).</summary>
    public int OpenMessages => _open.Count;

    /// <summary>How many messages have been abandoned in total.</summary>
    public long AbandonedCount { get; private set; }

    /// <summary>
    /// How many chunks were neither applied nor held, in total: repeats of an applied index, chunks of a completed
    /// or abandoned message, and chunks with a negative index (<see cref="ChunkResult.Ignored"/>,
    /// <see cref="ChunkResult.InvalidIndex"/>).
    /// </summary>
    public long IgnoredChunks { get; private set; }

    /// <summary>Applies one chunk.</summary>
    /// <param name="chunk">A chunk as received (after sequencing, so each is seen once in order of arrival).</param>
    /// <param name="message">The message the chunk belongs to; null when the result is <see cref="ChunkResult.Ignored"/> of a completed message.</param>
    /// <returns>What happened; on <see cref="ChunkResult.Applied"/> check <see cref="StreamingMessage.IsComplete"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="chunk"/> is null.</exception>
    public ChunkResult Add(PolyAgentMessageChunkEvent chunk, out StreamingMessage? message)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var payload = chunk.Payload;
        var now = _time.GetTimestamp();
        if (_completed.Contains(payload.MessageId))
        {
            message = null;
            IgnoredChunks++;
            return ChunkResult.Ignored;
        }

        var index = payload.ChunkIndex;
        if (index < 0)
        {
            // No stream counts from below 0: an invalid chunk must not open (or evict) anything.
            _open.TryGetValue(payload.MessageId, out message);
            IgnoredChunks++;
            return ChunkResult.InvalidIndex;
        }

        if (!_open.TryGetValue(payload.MessageId, out message))
        {
            if (_open.Count >= _options.MaxOpenMessages)
            {
                AbandonOldest();
            }

            // §4d numbers chunks from 1; a stream that starts at 0 counts from 0 (our rule, so nothing is lost).
            message = new StreamingMessage(payload.MessageId, now, ++_opened, firstIndex: index == 0 ? 0 : 1);
            _open.Add(payload.MessageId, message);
        }
        else if (message.IsLateFirst(index))
        {
            // A 0-based stream whose chunk 0 came after chunk 1: it is the first piece, so it goes in front.
            message.LastActivity = now;
            if (!message.Prepend(chunk, _options.MaxTextLength))
            {
                Abandon(message, AbandonReason.TextTooLong);
                return ChunkResult.Rejected;
            }

            if (message.IsComplete)
            {
                Complete(message);
            }

            return ChunkResult.Applied;
        }

        if (index < message.NextIndex || message.IsHeld(index))
        {
            // A repeated chunk is not progress, so it does not keep an incomplete message alive.
            IgnoredChunks++;
            return ChunkResult.Ignored;
        }

        message.LastActivity = now;
        if (index > message.NextIndex)
        {
            if (message.HeldChunks >= _options.MaxHeldChunks)
            {
                Abandon(message, AbandonReason.TooManyHeldChunks);
                return ChunkResult.Rejected;
            }

            message.Hold(chunk);
            return ChunkResult.Held;
        }

        var next = chunk;
        while (true)
        {
            if (!message.Apply(next, _options.MaxTextLength))
            {
                Abandon(message, AbandonReason.TextTooLong);
                return ChunkResult.Rejected;
            }

            if (message.IsComplete)
            {
                Complete(message);
                return ChunkResult.Applied;
            }

            if (!message.TryTakeHeld(out next))
            {
                return ChunkResult.Applied;
            }
        }
    }

    /// <summary>Gets an open message by id, to show its text while it streams.</summary>
    /// <param name="messageId">The <c>message_id</c>.</param>
    /// <param name="message">The open message, if any.</param>
    /// <returns>Whether the message is open.</returns>
    public bool TryGetOpen(string messageId, out StreamingMessage message) =>
        _open.TryGetValue(messageId, out message!);

    /// <summary>Abandons messages idle for longer than <see cref="StreamAssemblyOptions.IncompleteTimeout"/>; call it from a timer.</summary>
    public void Poll()
    {
        List<StreamingMessage>? expired = null;
        foreach (var message in _open.Values)
        {
            if (_time.GetElapsedTime(message.LastActivity) >= _options.IncompleteTimeout)
            {
                (expired ??= new List<StreamingMessage>()).Add(message);
            }
        }

        foreach (var message in expired ?? [])
        {
            Abandon(message, AbandonReason.Timeout);
        }
    }

    /// <summary>At the end of a stream: abandons every open message with <see cref="AbandonReason.EndOfStream"/>.</summary>
    public void Flush()
    {
        foreach (var message in new List<StreamingMessage>(_open.Values))
        {
            Abandon(message, AbandonReason.EndOfStream);
        }
    }

    /// <summary>Takes the next abandoned-message report.</summary>
    /// <param name="abandoned">The report.</param>
    /// <returns>Whether there was one.</returns>
    /// <remarks>At most <see cref="StreamAssemblyOptions.MaxOpenMessages"/> reports wait here; older ones are dropped (still counted in <see cref="AbandonedCount"/>).</remarks>
    public bool TryTakeAbandoned(out AbandonedMessage abandoned) => _abandoned.TryDequeue(out abandoned);

    private void AbandonOldest()
    {
        StreamingMessage? oldest = null;
        foreach (var message in _open.Values)
        {
            // Ties (a coarse or frozen clock) go to the message opened first.
            if (oldest is null || message.LastActivity < oldest.LastActivity
                || (message.LastActivity == oldest.LastActivity && message.OpenOrder < oldest.OpenOrder))
            {
                oldest = message;
            }
        }

        Abandon(oldest!, AbandonReason.TooManyOpenMessages);
    }

    private void Abandon(StreamingMessage message, AbandonReason reason)
    {
        _open.Remove(message.MessageId);

        // An abandoned id counts as settled: its late chunks must not reopen it and leak again.
        RememberCompleted(message.MessageId);
        AbandonedCount++;
        if (_abandoned.Count >= _options.MaxOpenMessages)
        {
            _abandoned.Dequeue();
        }

        _abandoned.Enqueue(new AbandonedMessage(message, reason));
    }

    // A complete message leaves the open set; its id is remembered so that repeated chunks are recognised.
    private void Complete(StreamingMessage message)
    {
        _open.Remove(message.MessageId);
        RememberCompleted(message.MessageId);
    }

    private void RememberCompleted(string messageId)
    {
        if (_options.CompletedIdWindow == 0)
        {
            return;
        }

        if (_completedOrder.Count >= _options.CompletedIdWindow)
        {
            _completed.Remove(_completedOrder.Dequeue());
        }

        _completed.Add(messageId);
        _completedOrder.Enqueue(messageId);
    }
}
