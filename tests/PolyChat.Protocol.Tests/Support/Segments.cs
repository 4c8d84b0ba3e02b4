using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;

namespace PolyChat.Protocol.Tests.Support;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, as a pipe or a socket reader hands them out.</summary>
internal static class Segments
{
    /// <summary>Splits the bytes into three segments of about the same size (empty segments allowed for tiny inputs).</summary>
    public static ReadOnlySequence<byte> InThree(byte[] bytes)
    {
        var first = bytes.Length / 3;
        var second = 2 * bytes.Length / 3;
        return Build(new[] { bytes[..first], bytes[first..second], bytes[second..] });
    }

    /// <summary>One segment per byte, so every token and every multi-byte character spans segments.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] bytes) =>
        bytes.Length == 0 ? ReadOnlySequence<byte>.Empty : Build(bytes.Select(b => new[] { b }));

    private static ReadOnlySequence<byte> Build(IEnumerable<byte[]> parts)
    {
        Segment? first = null;
        Segment? last = null;
        foreach (var part in parts)
        {
            var segment = new Segment(part, last is null ? 0 : last.RunningIndex + last.Memory.Length);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.SetNext(segment);
            }

            last = segment;
        }

        if (first is null || last is null)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        return sequence;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
