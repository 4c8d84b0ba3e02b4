using System;
using System.IO;

namespace PolyChat.Cli.Replay;

/// <summary>
/// Splits a stream into lines of bytes without decoding them, reusing one buffer, so a transcript of any
/// length streams through in bounded memory. A line longer than the limit is reported and skipped.
/// </summary>
internal sealed class JsonLinesReader
{
    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private int _scanned;
    private bool _eof;

    public JsonLinesReader(Stream stream, int maxLineBytes)
    {
        _stream = stream;
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>The 1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>
    /// Reads the next line (without its line break). False at the end of the stream. A UTF-8 byte order mark
    /// at the start of the stream, as Windows editors and Windows PowerShell write, is not part of line 1.
    /// </summary>
    /// <param name="line">The line's bytes, valid until the next call.</param>
    /// <param name="tooLong">True when the line exceeded the limit; <paramref name="line"/> is then empty.</param>
    public bool TryReadLine(out ReadOnlySpan<byte> line, out bool tooLong)
    {
        if (!TryReadRawLine(out line, out tooLong))
        {
            return false;
        }

        if (LineNumber == 1)
        {
            line = Utf8ByteOrderMark.Skip(line);
        }

        return true;
    }

    private bool TryReadRawLine(out ReadOnlySpan<byte> line, out bool tooLong)
    {
        tooLong = false;
        while (true)
        {
            var newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var lineEnd = _scanned + newline;
                line = TrimCarriageReturn(_buffer.AsSpan(_start, lineEnd - _start));
                _start = _scanned = lineEnd + 1;
                LineNumber++;
                return true;
            }

            _scanned = _end;
            if (_eof)
            {
                if (_start == _end)
                {
                    line = default;
                    return false;
                }

                line = TrimCarriageReturn(_buffer.AsSpan(_start, _end - _start));
                _start = _scanned = _end;
                LineNumber++;
                return true;
            }

            if (_end - _start >= _maxLineBytes)
            {
                SkipRestOfLine();
                LineNumber++;
                tooLong = true;
                line = default;
                return true;
            }

            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            // Keep the partial line at the front so the buffer only grows for long lines.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _scanned -= _start;
            _start = 0;
        }
        else if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, _maxLineBytes + 1L));
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    private void SkipRestOfLine()
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _start = _scanned = _scanned + newline + 1;
                return;
            }

            _start = _scanned = _end = 0;
            var read = _stream.Read(_buffer, 0, _buffer.Length);
            if (read == 0)
            {
                _eof = true;
                return;
            }

            _end = read;
        }
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
