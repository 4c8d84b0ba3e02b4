using System.Collections.Generic;
using System.Globalization;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;

namespace PolyChat.Protocol.Tests;

/// <summary>Taking and rendering what a sequencer or a receiver has ready, written once for both.</summary>
internal static class SequencerOutputs
{
    private delegate bool TryTake<T>(out SequencerOutput<T> output);

    /// <summary>Takes every ready output of <paramref name="sequencer"/>.</summary>
    public static List<SequencerOutput<T>> Drain<T>(this EventSequencer<T> sequencer) => TakeAll<T>(sequencer.TryTake);

    /// <summary>Takes every ready output of <paramref name="receiver"/>.</summary>
    public static List<SequencerOutput<Event>> Drain(this EventReceiver receiver) => TakeAll<Event>(receiver.TryTake);

    /// <summary>
    /// Renders outputs compactly for readable assertions, e.g. "gap 1..2 HeldLimit, 3, m4, typing:agent_17, t:x":
    /// a gap by its range and reason; a user message whose text is "m" and its sequence by that text (a message
    /// at the wrong sequence shows as unexpected); a transient typing event by its agent; any other event of the
    /// protocol as unexpected; a test's own event by its sequence, or as "t:" and the event when transient.
    /// </summary>
    public static string Render<T>(this IEnumerable<SequencerOutput<T>> outputs)
    {
        var parts = new List<string>();
        foreach (SequencerOutput<T> output in outputs)
        {
            parts.Add(output.Kind == SequencerOutputKind.Gap
                ? string.Create(CultureInfo.InvariantCulture, $"gap {output.Gap.FirstMissing}..{output.Gap.LastMissing} {output.Gap.Reason}")
                : output.Event switch
                {
                    UserMessageEvent message when message.Sequence == output.Sequence && message.Payload.Text == $"m{output.Sequence}" => message.Payload.Text,
                    LiveAgentTypingEvent typing when output.Sequence is null => $"typing:{typing.Payload.AgentId}",
                    Event other => $"unexpected {other.Type} (sequence {output.Sequence?.ToString(CultureInfo.InvariantCulture) ?? "null"})",
                    _ when output.Sequence is long sequence => sequence.ToString(CultureInfo.InvariantCulture),
                    _ => $"t:{output.Event}",
                });
        }

        return string.Join(", ", parts);
    }

    private static List<SequencerOutput<T>> TakeAll<T>(TryTake<T> tryTake)
    {
        var outputs = new List<SequencerOutput<T>>();
        while (tryTake(out SequencerOutput<T> output))
        {
            outputs.Add(output);
        }

        return outputs;
    }
}
