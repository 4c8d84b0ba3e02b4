using System;
using System.Buffers;
using System.IO;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Receiving;
using PolyChat.Protocol.Sequencing;

namespace PolyChat.Cli.Replay;

/// <summary>
/// <c>polychat replay</c>: feeds each line of a transcript to an <see cref="EventReceiver"/> and writes
/// every delivered event to stdout, one JSON object per line, as the library serializes it.
/// </summary>
internal sealed class TranscriptReplayer
{
    /// <summary>A line longer than this is rejected without being buffered whole.</summary>
    public const int MaxLineBytes = 16 * 1024 * 1024;

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly Stream _stdout;
    private readonly TextWriter _stderr;
    private readonly EventReceiver _receiver;
    private readonly ArrayBufferWriter<byte> _frame = new(4096);
    private bool _rejected;
    private bool _gap;

    public TranscriptReplayer(Stream stdout, TextWriter stderr, long cursor)
    {
        _stdout = stdout;
        _stderr = stderr;

        // A transcript has no clock: gaps are declared only when too much is held or at the end.
        _receiver = new EventReceiver(new SequencerOptions
        {
            InitialCursor = cursor,
            GapTimeout = System.Threading.Timeout.InfiniteTimeSpan,
        })
        {
            // A transcript line is one frame: the line limit is the frame limit.
            MaxFrameBytes = MaxLineBytes,
        };
    }

    public int Run(Stream input)
    {
        using var output = new BufferedStream(_stdout, 64 * 1024);
        var lines = new JsonLinesReader(input, MaxLineBytes);
        while (lines.TryReadLine(out var line, out var tooLong))
        {
            if (tooLong)
            {
                Reject(lines.LineNumber, $"the line is longer than {MaxLineBytes} bytes");
                continue;
            }

            if (IsBlank(line))
            {
                continue;
            }

            // A rejected line, or the bad inner events of a batch whose other events were delivered (PROTOCOL.md §4c).
            _receiver.Receive(line, out _);
            while (_receiver.TryTakeRejected(out var rejected))
            {
                Reject(
                    lines.LineNumber,
                    rejected.BatchIndex is { } index ? $"batch event {index}: {Describe(rejected.Error)}" : Describe(rejected.Error));
            }

            Drain(output);
        }

        _receiver.Flush();
        Drain(output);
        output.Flush();

        var counters = _receiver.Counters;
        _stderr.WriteLine(
            $"replay: {lines.LineNumber} lines, {counters.Delivered} delivered, {counters.DuplicatesDropped} duplicates, " +
            $"{counters.StaleDropped} stale, {_receiver.InvalidFrames + _receiver.InvalidEvents} rejected, {counters.GapsDeclared} gaps; cursor {_receiver.Cursor}");
        return _rejected ? ExitCodes.Rejected : _gap ? ExitCodes.Gap : ExitCodes.Success;
    }

    private void Drain(Stream output)
    {
        while (_receiver.TryTake(out var item))
        {
            if (item.Kind == SequencerOutputKind.Gap)
            {
                _gap = true;
                var gap = item.Gap;
                _stderr.WriteLine($"gap: sequences {gap.FirstMissing}..{gap.LastMissing} are missing ({gap.Reason}); delivery continues after them");
                continue;
            }

            _frame.ResetWrittenCount();
            PolyChatJson.Write(_frame, item.Event);
            output.Write(_frame.WrittenSpan);
            output.Write(NewLine);
        }
    }

    private void Reject(long lineNumber, string reason)
    {
        _rejected = true;
        _stderr.WriteLine($"line {lineNumber}: {reason}");
    }

    internal static string Describe(PolyChatJsonException error) =>
        error.Path is { } path ? $"{error.Reason} (at {path}, byte {error.BytePosition + 1})" : error.Reason;

    private static bool IsBlank(ReadOnlySpan<byte> line) =>
        line.IndexOfAnyExcept((byte)' ', (byte)'\t', (byte)'\r') < 0;
}
