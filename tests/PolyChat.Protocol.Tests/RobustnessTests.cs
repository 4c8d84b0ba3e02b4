using System;
using System.Linq;
using CsCheck;
using PolyChat.Protocol.Tests.Hostile;
using PolyChat.Protocol.Tests.Support;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>Whatever the bytes, reading either returns an event or throws <see cref="PolyChatJsonException"/>; nothing else escapes.</summary>
public sealed class RobustnessTests
{
    [Theory]
    [MemberData(nameof(FrameFiles.Server), MemberType = typeof(FrameFiles))]
    public void Every_truncation_of_a_frame_fails_only_with_PolyChatJsonException(string name)
    {
        var bytes = FrameFiles.Bytes(name);
        var complete = bytes.AsSpan().TrimEnd(" \t\r\n"u8).Length;

        for (var length = 0; length < complete; length++)
        {
            var exception = Record.Exception(() => PolyChatJson.Read(bytes.AsSpan(0, length)));

            if (exception is not PolyChatJsonException error)
            {
                Assert.Fail($"Truncated to {length} bytes: {exception?.GetType().Name ?? "no exception"}: {exception?.Message}");
                return;
            }

            Assert.InRange(error.BytePosition, 0, length);
        }
    }

    [Fact]
    public void Random_byte_corruption_never_escapes_as_another_exception_type()
    {
        var frames = FrameFiles.Names(_ => true).Select(FrameFiles.Bytes).ToArray();
        var interesting = "{}[]\",:0-9etfnul \\\u00e9"u8.ToArray();

        var gen =
            from frame in Gen.Int[0, frames.Length - 1]
            from edits in Gen.Select(Gen.Int[0, 10_000], Gen.Int[0, 2], Gen.OneOf(Gen.Byte, Gen.Int[0, interesting.Length - 1].Select(i => interesting[i]))).Array[1, 4]
            select FrameMutator.Apply(frames[frame], edits);

        gen.Sample(
            bytes =>
            {
                try
                {
                    var evt = PolyChatJson.Read(bytes);
                    _ = PolyChatJson.Write(evt);
                }
                catch (PolyChatJsonException)
                {
                }
            },
            iter: 4_000,
            seed: null,
            threads: 1);
    }

    [Fact]
    public void Segmented_and_contiguous_reads_agree_on_corrupted_frames()
    {
        // ASCII-only edits: invalid UTF-8 in property names is a known overload discrepancy, pinned in ErrorTests.
        var frames = FrameFiles.Names(_ => true).Select(FrameFiles.Bytes).ToArray();
        var ascii = "{}[]\",:0123456789etfnul \\uAbZ/"u8.ToArray();

        var gen =
            from frame in Gen.Int[0, frames.Length - 1]
            from edits in Gen.Select(Gen.Int[0, 10_000], Gen.Int[0, 2], Gen.Int[0, ascii.Length - 1].Select(i => ascii[i])).Array[0, 3]
            select FrameMutator.Apply(frames[frame], edits);

        gen.Sample(
            bytes => Assert.Equal(Outcome(() => PolyChatJson.Read(bytes)), Outcome(() => PolyChatJson.Read(Segments.OneBytePerSegment(bytes)))),
            iter: 1_500,
            threads: 1);
    }

    private static string Outcome(Func<PolyChat.Protocol.Events.Event> read)
    {
        try
        {
            return "event " + PolyChatJson.Write(read());
        }
        catch (PolyChatJsonException error)
        {
            // System.Text.Json words some syntax errors differently per overload; the location must match.
            return $"error at {error.Path} byte {error.BytePosition} line {error.LineNumber} column {error.BytePositionInLine}";
        }
    }
}
