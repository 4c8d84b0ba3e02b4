using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Json;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;

namespace PolyChat.Testing.Sessions;

/// <summary>
/// Serialises a history replay as <c>EVENT_BATCH</c> frames, the way the session's <see cref="ServerBehavior"/>
/// answers the open questions: one batch or several, an empty batch or none when nothing is new, and
/// <c>SESSION_START</c> repeated or not. The wrapper is just <c>{type, payload}</c>, as in the SDK fixtures (§1b).
/// </summary>
internal static class ReplayWriter
{
    // Without a split, batches still stop here so one frame stays far below any sane message-size limit.
    private const int LargestBatch = 100;

    /// <param name="history">The journaled events after the cursor.</param>
    /// <param name="sessionStart">The journal's SESSION_START, repeated at the head when the behaviour says so.</param>
    /// <param name="behavior">The session's behaviour.</param>
    /// <param name="random">The session's random source, for split sizes.</param>
    /// <param name="emptyPayloadIds">Events whose payload is written as <c>{}</c> (lenient shapes).</param>
    public static List<byte[]> Write(
        IReadOnlyList<Event> history, Event? sessionStart, ServerBehavior behavior, Random random, IReadOnlySet<string> emptyPayloadIds)
    {
        var events = new List<Event>(history.Count + 1);
        if (behavior.RepeatSessionStartOnResume && sessionStart is not null && (history.Count == 0 || history[0].Id != sessionStart.Id))
        {
            events.Add(sessionStart);
        }

        events.AddRange(history);
        var batches = new List<byte[]>();
        if (events.Count == 0)
        {
            if (behavior.EmptyBatchWhenNothingNew)
            {
                batches.Add(WriteBatch([], emptyPayloadIds));
            }

            return batches;
        }

        var offset = 0;
        while (offset < events.Count)
        {
            var size = behavior.SplitHistoryBatches ? random.Next(1, behavior.MaxBatchSize + 1) : LargestBatch;
            var count = Math.Min(size, events.Count - offset);
            batches.Add(WriteBatch(events.GetRange(offset, count), emptyPayloadIds));
            offset += count;
        }

        return batches;
    }

    private static byte[] WriteBatch(List<Event> events, IReadOnlySet<string> emptyPayloadIds)
    {
        var output = new ArrayBufferWriter<byte>(256);
        var scratch = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, EventType.EventBatch.Value);
            writer.WriteStartObject("payload"u8);
            writer.WriteStartArray("events"u8);
            foreach (var value in events)
            {
                if (value.Id is { } id && emptyPayloadIds.Contains(id))
                {
                    WriteWithEmptyPayload(writer, value);
                    continue;
                }

                scratch.ResetWrittenCount();
                PolyChatJson.Write(scratch, value);
                writer.WriteRawValue(scratch.WrittenSpan, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    private static void WriteWithEmptyPayload(Utf8JsonWriter writer, Event value)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, value.Id);
        writer.WriteNumber("sequence"u8, value.Sequence!.Value);
        writer.WriteString("timestamp"u8, value.Timestamp!.Value);
        writer.WriteString("type"u8, value.Type.Value);
        writer.WriteStartObject("payload"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
