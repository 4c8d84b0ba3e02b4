using System;
using System.Linq;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Streaming;
using Xunit;
using static PolyChat.Protocol.Tests.Streaming.MessageStreamAssemblerTests;

namespace PolyChat.Protocol.Tests.Streaming;

/// <summary>
/// §4d numbers chunks from 1. A stream numbered from 0 must not lose its first piece (the README promises nothing is
/// dropped silently); accepting 0 as the first index is our rule, since the docs do not mention it.
/// </summary>
public class ZeroBasedStreamTests
{
    [Fact]
    public void ChunksNumberedFrom0AssembleWhole()
    {
        // The case: chunks 0 "Hel", 1 "lo", 2 complete gave "lo"; it must give "Hello".
        var assembler = new MessageStreamAssembler();

        Assert.Equal(ChunkResult.Applied, assembler.Add(Read(Frame(0, "Hel", false, 21)), out _));
        Assert.Equal(ChunkResult.Applied, assembler.Add(Read(Frame(1, "lo", false, 22)), out _));
        Assert.Equal(ChunkResult.Applied, assembler.Add(Read(Frame(2, "", true, 23)), out StreamingMessage? done));

        Assert.NotNull(done);
        Assert.True(done.IsComplete);
        Assert.Equal("Hello", done.Text);
        Assert.Equal(3, done.AppliedChunks);
        Assert.Equal(0, assembler.IgnoredChunks);
        Assert.Equal("Hello", done.ToMessageEvent().Payload.Text);
    }

    [Theory]
    [InlineData(new long[] { 1, 0, 2 })]
    [InlineData(new long[] { 2, 0, 1 })]
    [InlineData(new long[] { 0, 2, 1 })]
    public void AChunk0ArrivingLateStillGoesFirst(long[] order)
    {
        // §4d: handle chunks in chunk_index order whatever the arrival order; with 0 first (our rule).
        var texts = new[] { "Hel", "lo", " there" };
        var assembler = new MessageStreamAssembler();
        StreamingMessage? done = null;
        foreach (var index in order)
        {
            var result = assembler.Add(Read(Frame(index, texts[index], index == 2, 30 + index)), out var message);
            Assert.True(result is ChunkResult.Applied or ChunkResult.Held, $"chunk {index}: {result}");
            done = message;
        }

        Assert.NotNull(done);
        Assert.True(done.IsComplete);
        Assert.Equal("Hello there", done.Text);
        Assert.Equal(0, assembler.IgnoredChunks);
        Assert.False(assembler.TryTakeAbandoned(out _));
    }

    [Fact]
    public void AChunk0AfterTheMessageCompletedIsCountedNotSilentlyLost()
    {
        // Chunks 1 and 2 (is_complete) complete the message before a chunk 0 shows up: it can no longer be applied
        // (the reply was delivered), so it is returned as a duplicate and counted, never silently dropped (our rule).
        var assembler = new MessageStreamAssembler();
        assembler.Add(Read(Frame(2, " there", true, 42)), out _);
        assembler.Add(Read(Frame(1, "lo", false, 41)), out StreamingMessage? done);
        Assert.True(done!.IsComplete);

        Assert.Equal(ChunkResult.Ignored, assembler.Add(Read(Frame(0, "Hel", false, 40)), out _));
        Assert.Equal(1, assembler.IgnoredChunks);
    }

    [Fact]
    public void AttachmentsOfALateChunk0ComeFirstToo()
    {
        // §4d: attachments and suggestions are added in chunk order, not replaced.
        var assembler = new MessageStreamAssembler();
        assembler.Add(Chunk("m0", 1, "lo", suggestions: [new ResponseSuggestion { MessageText = "second" }]), out _);
        assembler.Add(Chunk("m0", 0, "Hel", suggestions: [new ResponseSuggestion { MessageText = "first" }]), out _);
        assembler.Add(Chunk("m0", 2, "", complete: true), out StreamingMessage? done);

        Assert.Equal("Hello", done!.Text);
        Assert.Equal(["first", "second"], done.ResponseSuggestions.Select(s => s.MessageText));
    }

    [Fact]
    public void EveryChunkNotAppliedIsCounted()
    {
        // README: nothing is dropped silently. A repeat of an applied index, a chunk after completion and a
        // negative index are each counted (our rule; §4d is silent on them).
        var assembler = new MessageStreamAssembler();
        assembler.Add(Chunk("m1", 0, "Hel"), out _);
        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m1", 0, "Hel"), out _));
        assembler.Add(Chunk("m1", 1, "lo", complete: true), out _);
        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m1", 2, "!"), out _));
        Assert.Equal(ChunkResult.InvalidIndex, assembler.Add(Chunk("m2", -3, "?"), out _));

        Assert.Equal(3, assembler.IgnoredChunks);
    }

    [Fact]
    public void ALateChunk0IsAppliedOnceAndARepeatOfItIsIgnored()
    {
        var assembler = new MessageStreamAssembler();
        assembler.Add(Chunk("m0", 1, "lo"), out _);
        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("m0", 0, "Hel"), out StreamingMessage? message));

        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m0", 0, "Hel"), out _));

        Assert.Equal("Hello", message!.Text);
        Assert.Equal(2, message.AppliedChunks);
        Assert.Equal(1, assembler.IgnoredChunks);
    }

    [Fact]
    public void ALateChunk0ThatCompletesTheMessageClosesIt()
    {
        // A two-piece 0-based reply whose pieces swapped places: chunk 1, then chunk 0 with is_complete.
        var assembler = new MessageStreamAssembler();
        assembler.Add(Chunk("m0", 1, "lo"), out _);

        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("m0", 0, "Hel", complete: true), out StreamingMessage? done));

        Assert.True(done!.IsComplete);
        Assert.Equal("Hello", done.Text);
        Assert.Equal(0, assembler.OpenMessages);
        Assert.False(assembler.TryGetOpen("m0", out _));
        Assert.Equal(ChunkResult.Ignored, assembler.Add(Chunk("m0", 2, "!"), out _));
    }

    [Fact]
    public void ALateChunk0KeepsTheEnvelopeOfTheChunkAppliedBeforeIt()
    {
        // The assembled message carries the last applied chunk's timestamp and metadata; chunk 0 is the first piece,
        // so it does not take that place when it comes late.
        var assembler = new MessageStreamAssembler();
        var second = new DateTimeOffset(2026, 5, 20, 9, 15, 42, TimeSpan.Zero);
        assembler.Add(Chunk("m0", 1, "lo") with { Timestamp = second }, out _);
        assembler.Add(Chunk("m0", 0, "Hel") with { Timestamp = second.AddSeconds(-1) }, out StreamingMessage? message);

        Assert.Equal(second, message!.ToMessageEvent().Timestamp);
    }

    [Fact]
    public void AttachmentsOfALateChunk0GoInFrontOfThoseAlreadyApplied()
    {
        var map = new Attachment { Title = "map", ContentUrl = new Uri("https://cdn.example.org/map.png"), ContentType = AttachmentContentType.Image };
        var card = new Attachment { Title = "card", ContentUrl = new Uri("https://shop.example.org/card"), ContentType = AttachmentContentType.Url };
        var assembler = new MessageStreamAssembler();
        assembler.Add(Chunk("m0", 1, "lo", attachments: [card]), out _);

        assembler.Add(Chunk("m0", 0, "Hel", attachments: [map]), out StreamingMessage? message);

        Assert.Equal(["map", "card"], message!.Attachments.Select(a => a.Title));
    }

    [Fact]
    public void ALateChunk0WithoutTextAddsItsListsAndLeavesTheTextAsItWas()
    {
        var assembler = new MessageStreamAssembler();
        assembler.Add(Chunk("m0", 1, "lo"), out StreamingMessage? message);
        var before = message!.Text;
        var noText = new PolyAgentMessageChunkEvent(new PolyAgentMessageChunkPayload
        {
            MessageId = "m0",
            ChunkIndex = 0,
            Text = null,
            ResponseSuggestions = [new ResponseSuggestion { MessageText = "ok" }],
        });

        Assert.Equal(ChunkResult.Applied, assembler.Add(noText, out _));

        Assert.Same(before, message.Text);
        Assert.Equal(2, message.TextLength);
        Assert.Equal(["ok"], message.ResponseSuggestions.Select(s => s.MessageText));
        Assert.Equal(2, message.AppliedChunks);
    }

    [Fact]
    public void ALateChunk0IsHeldToTheTextLimitLikeAnyOther()
    {
        var assembler = new MessageStreamAssembler(new StreamAssemblyOptions { MaxTextLength = 5 });
        assembler.Add(Chunk("fits", 1, "lo"), out _);
        Assert.Equal(ChunkResult.Applied, assembler.Add(Chunk("fits", 0, "Hel"), out StreamingMessage? fits));
        Assert.Equal("Hello", fits!.Text);

        assembler.Add(Chunk("long", 1, "abc"), out _);
        Assert.Equal(ChunkResult.Rejected, assembler.Add(Chunk("long", 0, "def"), out _));

        Assert.True(assembler.TryTakeAbandoned(out AbandonedMessage abandoned));
        Assert.Equal(AbandonReason.TextTooLong, abandoned.Reason);
        Assert.Equal("long", abandoned.Message.MessageId);
        Assert.Equal("abc", abandoned.Message.Text);
        Assert.False(assembler.TryGetOpen("long", out _));
        Assert.True(assembler.TryGetOpen("fits", out _));
    }

    private static PolyAgentMessageChunkEvent Read(string frame) => Assert.IsType<PolyAgentMessageChunkEvent>(PolyChatJson.Read(frame));

    private static string Frame(long index, string text, bool complete, long sequence) =>
        "{\"id\":\"0190a3f1-0000-7d44-9c3e-0000000000" + sequence + "\",\"sequence\":" + sequence +
        ",\"timestamp\":\"2026-05-20T09:15:43Z\",\"type\":\"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK\",\"payload\":{\"message_id\":\"msg_z\"," +
        "\"text\":\"" + text + "\",\"chunk_index\":" + index + ",\"is_complete\":" + (complete ? "true" : "false") + "}}";
}
