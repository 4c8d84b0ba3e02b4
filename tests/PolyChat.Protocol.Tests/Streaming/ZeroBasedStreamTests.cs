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

    private static PolyAgentMessageChunkEvent Read(string frame) => Assert.IsType<PolyAgentMessageChunkEvent>(PolyChatJson.Read(frame));

    private static string Frame(long index, string text, bool complete, long sequence) =>
        "{\"id\":\"0190a3f1-0000-7d44-9c3e-0000000000" + sequence + "\",\"sequence\":" + sequence +
        ",\"timestamp\":\"2026-05-20T09:15:43Z\",\"type\":\"EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK\",\"payload\":{\"message_id\":\"msg_z\"," +
        "\"text\":\"" + text + "\",\"chunk_index\":" + index + ",\"is_complete\":" + (complete ? "true" : "false") + "}}";
}
