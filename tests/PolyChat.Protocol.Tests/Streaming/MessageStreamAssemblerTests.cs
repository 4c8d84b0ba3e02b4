using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Streaming;
using Xunit;

namespace PolyChat.Protocol.Tests.Streaming;

/// <summary>
/// Streamed reply assembly as PROTOCOL.md §4d states it: chunks grouped by <c>message_id</c>, applied in
/// <c>chunk_index</c> order from 1, text concatenated as is, attachments and suggestions appended, the message
/// complete on <c>is_complete: true</c>; and every buffer bounded by <see cref="StreamAssemblyOptions"/>.
/// </summary>
public class MessageStreamAssemblerTests
{
    private static readonly Attachment OrderCard = new()
    {
        Title = "Manage your order",
        PreviewImageUrl = new Uri("https://cdn.example.org/img/order-thumb.png"),
        ContentUrl = new Uri("https://shop.example.org/orders"),
        ContentType = AttachmentContentType.Url,
        CallToActionText = "Open orders",
    };

    private static readonly Attachment MapImage = new()
    {
        Title = "Depot map",
        ContentUrl = new Uri("https://cdn.example.org/img/depot.png"),
        ContentType = AttachmentContentType.Image,
    };

    private static readonly ResponseSuggestion Yes = new() { MessageText = "Yes, update it" };
    private static readonly ResponseSuggestion No = new() { MessageText = "No thanks" };

    [Fact]
    public void InOrderChunksConcatenateTheirTextAsIs()
    {
        var assembler = new MessageStreamAssembler();

        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("m1", 1, "Sure,"), out _));
        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("m1", 2, " I can"), out _));
        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("m1", 3, " help. "), out _));
        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("m1", 4, "Which order?", complete: true), out StreamingMessage? done));

        Assert.NotNull(done);
        Assert.True(done.IsComplete);
        Assert.Equal("m1", done.MessageId);

        // Pieces carry their own spaces: no separator added, none trimmed.
        Assert.Equal("Sure, I can help. Which order?", done.Text);
        Assert.Equal("Sure, I can help. Which order?".Length, done.TextLength);
        Assert.Equal(4, done.AppliedChunks);
        Assert.Equal(0, assembler.OpenMessages);
    }

    [Fact]
    public void AttachmentsAndSuggestionsAreAppendedAcrossChunksNotReplaced()
    {
        var assembler = new MessageStreamAssembler();

        assembler.Add(Chunk("m1", 1, "Here ", attachments: [OrderCard], suggestions: [Yes]), out _);
        assembler.Add(Chunk("m1", 2, "you go", attachments: [MapImage]), out _);
        assembler.Add(Chunk("m1", 3, ".", complete: true, suggestions: [No]), out StreamingMessage? done);

        Assert.NotNull(done);
        Assert.True(done.IsComplete);
        Assert.Equal([OrderCard, MapImage], done.Attachments);
        Assert.Equal(["Yes, update it", "No thanks"], done.ResponseSuggestions.Select(s => s.MessageText));
    }

    [Fact]
    public void AnEmptyFinalChunkCompletesTheMessageAndAddsTheOnlyAttachments()
    {
        var assembler = new MessageStreamAssembler();

        assembler.Add(Chunk("msg_a_91xq", 1, "Yes, "), out _);
        assembler.Add(Chunk("msg_a_91xq", 2, "you can change it "), out _);
        assembler.Add(Chunk("msg_a_91xq", 3, "before dispatch."), out StreamingMessage? open);
        Assert.NotNull(open);
        Assert.False(open.IsComplete);
        Assert.Empty(open.Attachments);
        Assert.Empty(open.ResponseSuggestions);

        ChunkResult result = assembler.Add(
            Chunk("msg_a_91xq", 4, string.Empty, complete: true, attachments: [OrderCard], suggestions: [Yes, No]),
            out StreamingMessage? done);

        Assert.Equal(ChunkResult.Applied, result);
        Assert.NotNull(done);
        Assert.True(done.IsComplete);
        Assert.Equal("Yes, you can change it before dispatch.", done.Text);
        Assert.Equal([OrderCard], done.Attachments);
        Assert.Equal(["Yes, update it", "No thanks"], done.ResponseSuggestions.Select(s => s.MessageText));
        Assert.Equal(4, done.AppliedChunks);
        Assert.Equal(0, assembler.OpenMessages);
    }

    [Fact]
    public void PartialTextIsVisibleWhileTheMessageStreams()
    {
        var assembler = new MessageStreamAssembler();
        Assert.False(assembler.TryGetOpen("m1", out _));

        assembler.Add(Chunk("m1", 1, "Let me "), out _);
        Assert.True(assembler.TryGetOpen("m1", out StreamingMessage streaming));
        Assert.Equal("Let me ", streaming.Text);
        Assert.Equal(7, streaming.TextLength);
        Assert.Equal(1, streaming.AppliedChunks);
        Assert.False(streaming.IsComplete);

        assembler.Add(Chunk("m1", 2, "check that"), out _);
        Assert.True(assembler.TryGetOpen("m1", out StreamingMessage same));
        Assert.Same(streaming, same);
        Assert.Equal("Let me check that", streaming.Text);
        Assert.Equal(17, streaming.TextLength);

        assembler.Add(Chunk("m1", 3, " for you.", complete: true), out _);

        // Once complete the message is no longer open, but the instance a UI holds shows the final text.
        Assert.False(assembler.TryGetOpen("m1", out _));
        Assert.Equal("Let me check that for you.", streaming.Text);
        Assert.True(streaming.IsComplete);
    }

    [Fact]
    public void AnEarlyChunkIsHeldAndAppliedWhenTheGapFills()
    {
        var assembler = new MessageStreamAssembler();

        Assert.Equal(ChunkResult.Held, assembler.Add(Chunk("m1", 3, "three"), out StreamingMessage? message));
        Assert.NotNull(message);
        Assert.Equal(string.Empty, message.Text);
        Assert.Equal(0, message.AppliedChunks);
        Assert.Equal(1, message.HeldChunks);

        Assert.Equal(ChunkResult.Held, assembler.Add(Chunk("m1", 2, "two ", attachments: [MapImage]), out _));
        Assert.Equal(2, message.HeldChunks);
        Assert.Empty(message.Attachments);

        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("m1", 1, "one ", attachments: [OrderCard]), out StreamingMessage? after));
        Assert.Same(message, after);
        Assert.Equal("one two three", message.Text);
        Assert.Equal(3, message.AppliedChunks);
        Assert.Equal(0, message.HeldChunks);
        Assert.Equal([OrderCard, MapImage], message.Attachments);
        Assert.False(message.IsComplete);
        Assert.Equal(1, assembler.OpenMessages);
    }

    [Fact]
    public void ACompletingChunkThatArrivesFirstIsHeld()
    {
        var assembler = new MessageStreamAssembler();

        Assert.Equal(ChunkResult.Held, assembler.Add(Chunk("m1", 3, "!", complete: true, suggestions: [Yes]), out StreamingMessage? message));
        Assert.NotNull(message);
        Assert.False(message.IsComplete);
        Assert.True(assembler.TryGetOpen("m1", out _));

        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("m1", 1, "Done"), out _));
        Assert.False(message.IsComplete);
        Assert.Equal("Done", message.Text);
        Assert.Equal(1, message.HeldChunks);

        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("m1", 2, " and dusted"), out _));
        Assert.True(message.IsComplete);
        Assert.Equal("Done and dusted!", message.Text);
        Assert.Equal(["Yes, update it"], message.ResponseSuggestions.Select(s => s.MessageText));
        Assert.Equal(0, assembler.OpenMessages);
    }

    [Fact]
    public void ARepeatedChunkIndexIsADuplicateWhetherAppliedOrHeld()
    {
        var assembler = new MessageStreamAssembler();
        assembler.Add(Chunk("m1", 1, "a", attachments: [OrderCard]), out _);
        assembler.Add(Chunk("m1", 3, "c"), out _);

        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m1", 1, "a", attachments: [OrderCard]), out _));
        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m1", 3, "c"), out _));

        Assert.True(assembler.TryGetOpen("m1", out StreamingMessage message));
        Assert.Equal("a", message.Text);
        Assert.Equal([OrderCard], message.Attachments);
        Assert.Equal(1, message.AppliedChunks);
        Assert.Equal(1, message.HeldChunks);

        assembler.Add(Chunk("m1", 2, "b", complete: false), out _);
        assembler.Add(Chunk("m1", 4, "d", complete: true), out _);
        Assert.Equal("abcd", message.Text);
        Assert.True(message.IsComplete);
    }

    [Fact]
    public void ChunksOfACompletedMessageAreDuplicatesAndDoNotReopenIt()
    {
        var assembler = new MessageStreamAssembler();
        assembler.Add(Chunk("m1", 1, "Hi"), out _);
        assembler.Add(Chunk("m1", 2, "!", complete: true), out StreamingMessage? done);
        Assert.NotNull(done);

        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m1", 2, "!", complete: true), out StreamingMessage? again));
        Assert.Null(again);
        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m1", 1, "Hi"), out _));
        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m1", 3, " more"), out _));

        Assert.Equal(0, assembler.OpenMessages);
        Assert.False(assembler.TryGetOpen("m1", out _));
        Assert.Equal("Hi!", done.Text);
        Assert.False(assembler.TryTakeAbandoned(out _));
    }

    /// <summary>No numbering goes below 0 (§4d counts from 1; 0 is accepted by our rule): a negative index is reported and changes nothing.</summary>
    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void ANegativeChunkIndexIsReportedAsInvalidAndChangesNothing(long index)
    {
        var assembler = new MessageStreamAssembler();
        assembler.Add(Chunk("m1", 1, "Hello"), out _);

        Assert.Equal(ChunkResult.InvalidIndex, assembler.Add(Chunk("m1", index, " injected", complete: true), out _));
        Assert.Equal(1, assembler.IgnoredChunks);

        Assert.True(assembler.TryGetOpen("m1", out StreamingMessage message));
        Assert.Equal("Hello", message.Text);
        Assert.False(message.IsComplete);
        Assert.Equal(0, message.HeldChunks);

        assembler.Add(Chunk("m1", 2, " there", complete: true), out _);
        Assert.Equal("Hello there", message.Text);
        Assert.True(message.IsComplete);
    }

    /// <summary>
    /// An ignored chunk must not change anything: a chunk with a negative index for an unknown message opens no message,
    /// so it cannot take a slot under <see cref="StreamAssemblyOptions.MaxOpenMessages"/> and evict a live one.
    /// </summary>
    [Fact]
    public void AnIgnoredChunkForAnUnknownMessageOpensNothing()
    {
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { MaxOpenMessages = 1 });
        assembler.Add(Chunk("live", 1, "Streaming"), out _);

        Assert.Equal(ChunkResult.InvalidIndex, assembler.Add(Chunk("phantom", -1, "x"), out _));

        Assert.Equal(0, assembler.AbandonedCount);
        Assert.False(assembler.TryTakeAbandoned(out _));
        Assert.True(assembler.TryGetOpen("live", out StreamingMessage live));
        Assert.False(assembler.TryGetOpen("phantom", out _));
        Assert.Equal(1, assembler.OpenMessages);

        assembler.Add(Chunk("live", 2, " on", complete: true), out _);
        Assert.Equal("Streaming on", live.Text);
        Assert.True(live.IsComplete);
    }

    [Fact]
    public void InterleavedMessagesAreAssembledSeparatelyByMessageId()
    {
        var assembler = new MessageStreamAssembler();

        assembler.Add(Chunk("a", 1, "Alpha "), out _);
        assembler.Add(Chunk("b", 2, "two", complete: true, attachments: [MapImage]), out _);
        assembler.Add(Chunk("b", 1, "Beta ", attachments: [OrderCard]), out StreamingMessage? b);
        assembler.Add(Chunk("a", 2, "one", complete: true), out StreamingMessage? a);

        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Equal("Alpha one", a.Text);
        Assert.Empty(a.Attachments);
        Assert.Equal("Beta two", b.Text);
        Assert.Equal([OrderCard, MapImage], b.Attachments);
        Assert.True(a.IsComplete);
        Assert.True(b.IsComplete);
        Assert.Equal(0, assembler.OpenMessages);
    }

    [Fact]
    public void TheAssembledMessageHasTheShapeOfAnUnstreamedAgentMessage()
    {
        var assembler = new MessageStreamAssembler();
        StreamingMessage? done = null;
        foreach (string frame in StreamedFrames)
        {
            var chunk = Assert.IsType<PolyAgentMessageChunkEvent>(PolyChatJson.Read(frame));
            assembler.Add(chunk, out done);
        }

        Assert.NotNull(done);
        Assert.True(done.IsComplete);

        PolyAgentMessageEvent whole = done.ToMessageEvent();
        Assert.Equal(EventType.PolyAgentMessage, whole.Type);
        Assert.Equal("msg_a_91xq", whole.Payload.MessageId);
        Assert.Equal("Yes, you can change it before dispatch.", whole.Payload.Text);
        Assert.Equal(["Manage your order"], whole.Payload.Attachments!.Select(x => x.Title));
        Assert.Equal(["Yes, update it", "No thanks"], whole.Payload.ResponseSuggestions!.Select(s => s.MessageText));

        // §1b: apps dedupe by id, so the assembled reply must not reuse the last chunk's id (it would be dropped as a
        // repeat). Our rule: an id derived from message_id, no sequence of its own, the final chunk's timestamp and metadata.
        Assert.Equal("assembled:msg_a_91xq", whole.Id);
        Assert.Equal(StreamingMessage.AssembledIdPrefix + whole.Payload.MessageId, whole.Id);
        Assert.Null(whole.Sequence);
        Assert.Equal(new DateTimeOffset(2026, 5, 20, 9, 15, 43, TimeSpan.Zero), whole.Timestamp);

        JsonSemantics.AssertEquivalent(UnstreamedFrame, PolyChatJson.Write(whole));
    }

    [Fact]
    public void OpeningOneMessageTooManyAbandonsTheOldestAndReportsIt()
    {
        var time = new FakeTimeProvider();
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { MaxOpenMessages = 2 }, time);

        assembler.Add(Chunk("first", 1, "one"), out _);
        time.Advance(TimeSpan.FromSeconds(1));
        assembler.Add(Chunk("second", 1, "two"), out _);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(assembler.TryTakeAbandoned(out _));

        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("third", 1, "three"), out _));

        Assert.Equal(2, assembler.OpenMessages);
        Assert.Equal(1, assembler.AbandonedCount);
        Assert.True(assembler.TryTakeAbandoned(out AbandonedMessage abandoned));
        Assert.Equal(AbandonReason.TooManyOpenMessages, abandoned.Reason);
        Assert.Equal("first", abandoned.Message.MessageId);
        Assert.Equal("one", abandoned.Message.Text);
        Assert.False(assembler.TryTakeAbandoned(out _));
        Assert.False(assembler.TryGetOpen("first", out _));
        Assert.True(assembler.TryGetOpen("second", out _));
        Assert.True(assembler.TryGetOpen("third", out _));
    }

    /// <summary>With a clock that has not moved (a fake clock, or a coarse one), "oldest" still means opened first.</summary>
    [Fact]
    public void OnATiedClockTheFirstOpenedMessageIsTheOneAbandoned()
    {
        var time = new FakeTimeProvider();
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { MaxOpenMessages = 2 }, time);

        assembler.Add(Chunk("a", 1, "A", complete: false), out _);
        assembler.Add(Chunk("b", 1, "B", complete: false), out _);
        assembler.Add(Chunk("a", 2, "!", complete: true), out _);
        assembler.Add(Chunk("c", 1, "C", complete: false), out _);
        assembler.Add(Chunk("d", 1, "D", complete: false), out _);

        Assert.True(assembler.TryTakeAbandoned(out AbandonedMessage abandoned));
        Assert.Equal(AbandonReason.TooManyOpenMessages, abandoned.Reason);
        Assert.Equal("b", abandoned.Message.MessageId);
        Assert.True(assembler.TryGetOpen("c", out _));
        Assert.True(assembler.TryGetOpen("d", out _));
    }

    [Fact]
    public void TextUpToTheLimitIsAcceptedAndTextPastItIsRejected()
    {
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { MaxTextLength = 10 });

        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("fits", 1, "12345"), out _));
        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("fits", 2, "67890", complete: true), out StreamingMessage? fits));
        Assert.NotNull(fits);
        Assert.Equal("1234567890", fits.Text);
        Assert.True(fits.IsComplete);

        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("long", 1, "12345"), out _));
        Assert.Equal(ChunkResult.Rejected, assembler.Add(Chunk("long", 2, "678901"), out _));

        Assert.Equal(0, assembler.OpenMessages);
        Assert.Equal(1, assembler.AbandonedCount);
        Assert.True(assembler.TryTakeAbandoned(out AbandonedMessage abandoned));
        Assert.Equal(AbandonReason.TextTooLong, abandoned.Reason);
        Assert.Equal("long", abandoned.Message.MessageId);
        Assert.Equal("12345", abandoned.Message.Text);
        Assert.False(abandoned.Message.IsComplete);

        // The abandoned message stays settled: its later chunks do not start it over.
        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("long", 3, "x", complete: true), out _));
        Assert.Equal(0, assembler.OpenMessages);
    }

    [Fact]
    public void TextPastTheLimitIsRejectedWhenHeldChunksAreReleased()
    {
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { MaxTextLength = 8 });

        Assert.Equal(ChunkResult.Held, assembler.Add(Chunk("m1", 2, "56789", complete: true), out _));
        Assert.Equal(ChunkResult.Rejected, assembler.Add(Chunk("m1", 1, "1234"), out _));

        Assert.Equal(0, assembler.OpenMessages);
        Assert.True(assembler.TryTakeAbandoned(out AbandonedMessage abandoned));
        Assert.Equal(AbandonReason.TextTooLong, abandoned.Reason);
        Assert.Equal("1234", abandoned.Message.Text);
        Assert.False(abandoned.Message.IsComplete);
    }

    [Fact]
    public void HoldingMoreChunksThanAllowedRejectsTheMessage()
    {
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { MaxHeldChunks = 2 });
        assembler.Add(Chunk("m1", 1, "start"), out _);

        Assert.Equal(ChunkResult.Held, assembler.Add(Chunk("m1", 3, "c"), out _));
        Assert.Equal(ChunkResult.Held, assembler.Add(Chunk("m1", 4, "d"), out _));
        Assert.Equal(ChunkResult.Rejected, assembler.Add(Chunk("m1", 5, "e"), out _));

        Assert.Equal(0, assembler.OpenMessages);
        Assert.Equal(1, assembler.AbandonedCount);
        Assert.True(assembler.TryTakeAbandoned(out AbandonedMessage abandoned));
        Assert.Equal(AbandonReason.TooManyHeldChunks, abandoned.Reason);
        Assert.Equal("start", abandoned.Message.Text);
        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m1", 2, "b"), out _));
    }

    [Fact]
    public void AMessageIdleForTheTimeoutIsAbandonedOnPoll()
    {
        var time = new FakeTimeProvider();
        var timeout = TimeSpan.FromSeconds(30);
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { IncompleteTimeout = timeout }, time);

        assembler.Add(Chunk("stalled", 1, "I was saying"), out _);
        assembler.Add(Chunk("active", 1, "Still "), out _);
        time.Advance(TimeSpan.FromSeconds(20));
        assembler.Add(Chunk("active", 2, "going"), out _);

        time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        assembler.Poll();
        Assert.False(assembler.TryTakeAbandoned(out _));
        Assert.Equal(2, assembler.OpenMessages);

        time.Advance(TimeSpan.FromTicks(1));
        assembler.Poll();
        Assert.True(assembler.TryTakeAbandoned(out AbandonedMessage abandoned));
        Assert.Equal(AbandonReason.Timeout, abandoned.Reason);
        Assert.Equal("stalled", abandoned.Message.MessageId);
        Assert.Equal("I was saying", abandoned.Message.Text);
        Assert.False(assembler.TryTakeAbandoned(out _));
        Assert.True(assembler.TryGetOpen("active", out _));
        Assert.Equal(1, assembler.OpenMessages);

        time.Advance(TimeSpan.FromSeconds(20));
        assembler.Poll();
        Assert.True(assembler.TryTakeAbandoned(out AbandonedMessage second));
        Assert.Equal("active", second.Message.MessageId);
        Assert.Equal(AbandonReason.Timeout, second.Reason);
        Assert.Equal(0, assembler.OpenMessages);
        Assert.Equal(2, assembler.AbandonedCount);
    }

    [Fact]
    public void FlushAbandonsEveryOpenMessageAsEndOfStream()
    {
        var assembler = new MessageStreamAssembler();
        assembler.Add(Chunk("a", 1, "partial a"), out _);
        assembler.Add(Chunk("b", 1, "partial b"), out _);
        assembler.Add(Chunk("b", 3, " held"), out _);
        assembler.Add(Chunk("c", 1, "c"), out _);
        assembler.Add(Chunk("c", 2, "!", complete: true), out _);

        assembler.Flush();

        Assert.Equal(0, assembler.OpenMessages);
        Assert.Equal(2, assembler.AbandonedCount);
        var reports = new List<AbandonedMessage>();
        while (assembler.TryTakeAbandoned(out AbandonedMessage report))
        {
            reports.Add(report);
        }

        Assert.All(reports, r => Assert.Equal(AbandonReason.EndOfStream, r.Reason));
        Assert.Equal(
            [("a", "partial a"), ("b", "partial b")],
            reports.Select(r => (r.Message.MessageId, r.Message.Text)).OrderBy(r => r.MessageId, StringComparer.Ordinal));
    }

    [Fact]
    public void AChunkForAnAbandonedMessageIsADuplicateAndDoesNotReopenIt()
    {
        var assembler = new MessageStreamAssembler();
        assembler.Add(Chunk("m1", 1, "cut "), out _);
        assembler.Flush();
        Assert.True(assembler.TryTakeAbandoned(out _));

        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m1", 2, "off", complete: true), out _));
        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m1", 1, "cut "), out _));

        Assert.Equal(0, assembler.OpenMessages);
        Assert.False(assembler.TryGetOpen("m1", out _));
        Assert.False(assembler.TryTakeAbandoned(out _));
        Assert.Equal(1, assembler.AbandonedCount);
    }

    [Fact]
    public void AHugeChunkIndexIsHeldWithoutGrowingMemory()
    {
        var assembler = new MessageStreamAssembler();
        PolyAgentMessageChunkEvent far = Chunk("m1", 1L << 62, "far", complete: true);
        PolyAgentMessageChunkEvent warm = Chunk("warm", 3, "w");
        assembler.Add(warm, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ChunkResult result = assembler.Add(far, out StreamingMessage? message);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ChunkResult.Held, result);
        Assert.NotNull(message);
        Assert.Equal(1, message.HeldChunks);
        Assert.True(allocated < 16 * 1024, $"Holding chunk 2^62 allocated {allocated} bytes.");

        // The message still streams normally below it.
        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("m1", 1, "near", complete: true), out _));
        Assert.True(message.IsComplete);
        Assert.Equal("near", message.Text);
    }

    [Fact]
    public void ANullChunkIsRefused()
    {
        var assembler = new MessageStreamAssembler();

        Assert.Throws<ArgumentNullException>(() => assembler.Add(null!, out _));
    }

    [Fact]
    public void EveryMessageIdlePastTheTimeoutIsAbandonedByOnePoll()
    {
        var time = new FakeTimeProvider();
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { IncompleteTimeout = TimeSpan.FromSeconds(30) }, time);
        assembler.Add(Chunk("a", 1, "A"), out _);
        assembler.Add(Chunk("b", 1, "B"), out _);
        assembler.Add(Chunk("c", 1, "C"), out _);

        time.Advance(TimeSpan.FromSeconds(30));
        assembler.Poll();

        Assert.Equal(0, assembler.OpenMessages);
        Assert.Equal(3, assembler.AbandonedCount);
        var abandoned = new List<string>();
        while (assembler.TryTakeAbandoned(out AbandonedMessage report))
        {
            Assert.Equal(AbandonReason.Timeout, report.Reason);
            abandoned.Add(report.Message.MessageId);
        }

        Assert.Equal(["a", "b", "c"], abandoned.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OnATiedClockWithNothingClosedTheFirstOpenedMessageIsTheOneAbandoned()
    {
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { MaxOpenMessages = 3 }, new FakeTimeProvider());
        assembler.Add(Chunk("a", 1, "A"), out _);
        assembler.Add(Chunk("b", 1, "B"), out _);
        assembler.Add(Chunk("c", 1, "C"), out _);

        assembler.Add(Chunk("d", 1, "D"), out _);

        Assert.True(assembler.TryTakeAbandoned(out AbandonedMessage abandoned));
        Assert.Equal("a", abandoned.Message.MessageId);
        Assert.True(assembler.TryGetOpen("b", out _));
        Assert.True(assembler.TryGetOpen("c", out _));
    }

    [Fact]
    public void TheMessageIdleLongestIsAbandonedEvenWhenItWasOpenedLater()
    {
        var time = new FakeTimeProvider();
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { MaxOpenMessages = 2 }, time);
        assembler.Add(Chunk("x", 1, "X"), out _);
        assembler.Add(Chunk("early", 1, "opened "), out _);
        assembler.Add(Chunk("x", 2, "!", complete: true), out _);
        time.Advance(TimeSpan.FromSeconds(1));
        assembler.Add(Chunk("late", 1, "opened later"), out _);
        time.Advance(TimeSpan.FromSeconds(1));
        assembler.Add(Chunk("early", 2, "first, active since"), out _);

        // "late" was opened after "early" but has been idle longer: it is the one to go.
        assembler.Add(Chunk("new", 1, "N"), out _);

        Assert.True(assembler.TryTakeAbandoned(out AbandonedMessage abandoned));
        Assert.Equal(AbandonReason.TooManyOpenMessages, abandoned.Reason);
        Assert.Equal("late", abandoned.Message.MessageId);
        Assert.True(assembler.TryGetOpen("early", out _));
    }

    [Fact]
    public void TheCompletedIdWindowRemembersExactlyItsSize()
    {
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { CompletedIdWindow = 2 });
        assembler.Add(Chunk("m1", 1, "one", complete: true), out _);
        assembler.Add(Chunk("m2", 1, "two", complete: true), out _);
        assembler.Add(Chunk("m3", 1, "three", complete: true), out _);

        // m2 and m3 are remembered; m1 has left the window, so a late copy of it opens a new message.
        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m3", 1, "three", complete: true), out _));
        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m2", 1, "two", complete: true), out _));
        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("m1", 1, "one"), out _));
        Assert.True(assembler.TryGetOpen("m1", out _));
    }

    [Fact]
    public void TheTextIsBuiltOnceAndOnlyRebuiltWhenItGrows()
    {
        var assembler = new MessageStreamAssembler();
        assembler.Add(Chunk("m1", 1, "Hel"), out StreamingMessage? message);
        var first = message!.Text;
        Assert.Same(first, message.Text);

        assembler.Add(Chunk("m1", 2, ""), out _);
        Assert.Same(first, message.Text);

        assembler.Add(Chunk("m1", 3, "lo"), out _);
        Assert.Equal("Hello", message.Text);
        Assert.Equal(3, message.AppliedChunks);
    }

    public static TheoryData<Func<StreamAssemblyOptions>, string> OutOfRangeOptions() => new()
    {
        { () => new StreamAssemblyOptions { MaxOpenMessages = 0 }, nameof(StreamAssemblyOptions.MaxOpenMessages) },
        { () => new StreamAssemblyOptions { MaxOpenMessages = -1 }, nameof(StreamAssemblyOptions.MaxOpenMessages) },
        { () => new StreamAssemblyOptions { MaxTextLength = 0 }, nameof(StreamAssemblyOptions.MaxTextLength) },
        { () => new StreamAssemblyOptions { MaxHeldChunks = 0 }, nameof(StreamAssemblyOptions.MaxHeldChunks) },
        { () => new StreamAssemblyOptions { IncompleteTimeout = TimeSpan.Zero }, nameof(StreamAssemblyOptions.IncompleteTimeout) },
        { () => new StreamAssemblyOptions { IncompleteTimeout = TimeSpan.FromSeconds(-1) }, nameof(StreamAssemblyOptions.IncompleteTimeout) },
        { () => new StreamAssemblyOptions { CompletedIdWindow = -1 }, nameof(StreamAssemblyOptions.CompletedIdWindow) },
    };

    [Theory]
    [MemberData(nameof(OutOfRangeOptions))]
    public void OptionsOutOfRangeAreRefusedWhereTheyAreSet(Func<StreamAssemblyOptions> create, string parameter)
    {
        // Ours: every options class checks each property as it is set, so the error points at the line that set it.
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => create());
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void TheSmallestValidOptionsAreAccepted()
    {
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions
        {
            MaxOpenMessages = 1,
            MaxTextLength = 1,
            MaxHeldChunks = 1,
            IncompleteTimeout = TimeSpan.FromTicks(1),
            CompletedIdWindow = 0,
        });

        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("m1", 1, "x", complete: true), out _));
    }

    internal static PolyAgentMessageChunkEvent Chunk(
        string messageId,
        long index,
        string text,
        bool complete = false,
        Attachment[]? attachments = null,
        ResponseSuggestion[]? suggestions = null) =>
        new(new PolyAgentMessageChunkPayload
        {
            MessageId = messageId,
            Text = text,
            ChunkIndex = index,
            IsComplete = complete,
            Attachments = attachments,
            ResponseSuggestions = suggestions,
        });

    private static readonly string[] StreamedFrames =
    [
        """
        {"id":"0190a3f1-5a10-7d44-9c3e-7b2e1f0a6d20","sequence":7,"timestamp":"2026-05-20T09:15:41Z",
         "type":"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK",
         "payload":{"message_id":"msg_a_91xq","text":"Yes, ","chunk_index":1,"is_complete":false}}
        """,
        """
        {"id":"0190a3f1-5a10-7d44-9c3e-7b2e1f0a6d22","sequence":9,"timestamp":"2026-05-20T09:15:42Z",
         "type":"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK",
         "payload":{"message_id":"msg_a_91xq","text":"before dispatch.","attachments":[],"chunk_index":3,"is_complete":false}}
        """,
        """
        {"id":"0190a3f1-5a10-7d44-9c3e-7b2e1f0a6d21","sequence":8,"timestamp":"2026-05-20T09:15:42Z",
         "type":"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK",
         "payload":{"message_id":"msg_a_91xq","text":"you can change it ","chunk_index":2,"is_complete":false}}
        """,
        """
        {
          "id": "0190a3f1-5a10-7d44-9c3e-7b2e1f0a6d23",
          "sequence": 10,
          "timestamp": "2026-05-20T09:15:43Z",
          "type": "EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK",
          "payload": {
            "message_id": "msg_a_91xq",
            "text": "",
            "attachments": [
              {
                "title": "Manage your order",
                "preview_image_url": "https://cdn.example.org/img/order-thumb.png",
                "content_url": "https://shop.example.org/orders",
                "content_type": "ATTACHMENT_CONTENT_TYPE_URL",
                "call_to_action_text": "Open orders"
              }
            ],
            "response_suggestions": [ { "message_text": "Yes, update it" }, { "message_text": "No thanks" } ],
            "chunk_index": 4,
            "is_complete": true
          },
          "metadata": { "custom": { "client_event_id": "5f0c2a9e-3d41-4c1b-9a57-0b6e2d8f1c33" } }
        }
        """,
    ];

    /// <summary>The same reply as the server sends it with streaming off (§3a), under the final chunk's envelope.</summary>
    private const string UnstreamedFrame =
        """
        {
          "id": "assembled:msg_a_91xq",
          "sequence": null,
          "timestamp": "2026-05-20T09:15:43Z",
          "type": "EVENT_TYPE_POLY_AGENT_MESSAGE",
          "payload": {
            "message_id": "msg_a_91xq",
            "text": "Yes, you can change it before dispatch.",
            "attachments": [
              {
                "title": "Manage your order",
                "preview_image_url": "https://cdn.example.org/img/order-thumb.png",
                "content_url": "https://shop.example.org/orders",
                "content_type": "ATTACHMENT_CONTENT_TYPE_URL",
                "call_to_action_text": "Open orders"
              }
            ],
            "response_suggestions": [ { "message_text": "Yes, update it" }, { "message_text": "No thanks" } ]
          },
          "metadata": { "custom": { "client_event_id": "5f0c2a9e-3d41-4c1b-9a57-0b6e2d8f1c33" } }
        }
        """;
}
