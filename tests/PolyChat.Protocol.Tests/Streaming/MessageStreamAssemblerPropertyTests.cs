using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Streaming;
using Xunit;

namespace PolyChat.Protocol.Tests.Streaming;

/// <summary>
/// Random streamed replies: each message's text cut into chunks at random points, random attachments on random
/// chunks, the chunks of several messages interleaved in a random order with random repeats.
/// </summary>
[Collection(SerialPropertyCollection.Name)]
public class MessageStreamAssemblerPropertyTests
{
    private static readonly Gen<string> Texts = Gen.String[Gen.Char["abc xyzé😀.,"], 0, 120];

    private static readonly Gen<Scenario> Scenarios =
        Gen.Select(Texts.Array[1, 6], Gen.Int[1, 12], Gen.Int[0, 40], Gen.Int)
            .Select((texts, maxChunks, duplicatePercent, seed) => new Scenario(texts, maxChunks, duplicatePercent, seed));

    [Fact]
    public void EveryMessageCompletesOnceWithItsTextAndAttachmentsInChunkOrder()
    {
        Scenarios.Sample(scenario =>
        {
            var random = new Random(scenario.Seed);
            var messages = scenario.Texts.Select((text, i) => Split($"msg-{i}", text, scenario.MaxChunks, random)).ToList();
            List<PolyAgentMessageChunkEvent> arrivals = Deliver(messages, scenario.DuplicatePercent, random);

            var assembler = new MessageStreamAssembler();
            var completions = new Dictionary<string, List<StreamingMessage>>(StringComparer.Ordinal);
            foreach (PolyAgentMessageChunkEvent chunk in arrivals)
            {
                ChunkResult result = assembler.Add(chunk, out StreamingMessage? message);
                Assert.NotEqual(ChunkResult.Rejected, result);
                if (result == ChunkResult.Applied && message!.IsComplete)
                {
                    Assert.Equal(chunk.Payload.MessageId, message.MessageId);
                    if (!completions.TryGetValue(message.MessageId, out List<StreamingMessage>? list))
                    {
                        completions[message.MessageId] = list = [];
                    }

                    list.Add(message);
                }
            }

            Assert.Equal(0, assembler.OpenMessages);
            Assert.Equal(0, assembler.AbandonedCount);
            Assert.False(assembler.TryTakeAbandoned(out _));
            Assert.Equal(messages.Count, completions.Count);
            foreach (Message expected in messages)
            {
                StreamingMessage done = Assert.Single(completions[expected.Id]);
                Assert.Equal(expected.Text, done.Text);
                Assert.Equal(expected.Chunks.Count, done.AppliedChunks);
                Assert.Equal(expected.AttachmentTitlesInOrder, done.Attachments.Select(a => a.Title!));
                Assert.Equal(expected.SuggestionsInOrder, done.ResponseSuggestions.Select(s => s.MessageText));
                Assert.Equal(expected.Text, done.ToMessageEvent().Payload.Text);
            }
        }, iter: 2000);
    }

    private static Message Split(string id, string text, int maxChunks, Random random)
    {
        int count = random.Next(1, maxChunks + 1);
        List<int> cuts = [0, .. Enumerable.Range(0, count - 1).Select(_ => random.Next(0, text.Length + 1)).Order(), text.Length];
        var chunks = new List<PolyAgentMessageChunkEvent>();
        var titles = new List<string>();
        var suggestions = new List<string>();
        for (int i = 0; i < count; i++)
        {
            int index = i + 1;
            Attachment[]? attachments = null;
            if (random.Next(3) == 0)
            {
                attachments = [.. Enumerable.Range(0, random.Next(1, 3)).Select(k => new Attachment { Title = $"{id}/{index}/{k}" })];
                titles.AddRange(attachments.Select(a => a.Title!));
            }

            ResponseSuggestion[]? offered = null;
            if (random.Next(4) == 0)
            {
                offered = [new ResponseSuggestion { MessageText = $"{id}/s{index}" }];
                suggestions.Add(offered[0].MessageText);
            }

            chunks.Add(new PolyAgentMessageChunkEvent(new PolyAgentMessageChunkPayload
            {
                MessageId = id,
                Text = text[cuts[i]..cuts[i + 1]],
                ChunkIndex = index,
                IsComplete = index == count,
                Attachments = attachments,
                ResponseSuggestions = offered,
            }));
        }

        return new Message(id, text, chunks, titles, suggestions);
    }

    /// <summary>Each message's chunks permuted with repeats, then the messages interleaved at random.</summary>
    private static List<PolyAgentMessageChunkEvent> Deliver(List<Message> messages, int duplicatePercent, Random random)
    {
        var queues = new List<Queue<PolyAgentMessageChunkEvent>>();
        foreach (Message message in messages)
        {
            var stream = new List<PolyAgentMessageChunkEvent>(message.Chunks);
            foreach (PolyAgentMessageChunkEvent chunk in message.Chunks)
            {
                if (random.Next(100) < duplicatePercent)
                {
                    stream.Add(chunk);
                }
            }

            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(stream));
            queues.Add(new Queue<PolyAgentMessageChunkEvent>(stream));
        }

        var arrivals = new List<PolyAgentMessageChunkEvent>();
        while (queues.Count > 0)
        {
            int pick = random.Next(queues.Count);
            arrivals.Add(queues[pick].Dequeue());
            if (queues[pick].Count == 0)
            {
                queues.RemoveAt(pick);
            }
        }

        return arrivals;
    }

    public sealed record Scenario(string[] Texts, int MaxChunks, int DuplicatePercent, int Seed);

    private sealed record Message(
        string Id,
        string Text,
        List<PolyAgentMessageChunkEvent> Chunks,
        List<string> AttachmentTitlesInOrder,
        List<string> SuggestionsInOrder);
}
