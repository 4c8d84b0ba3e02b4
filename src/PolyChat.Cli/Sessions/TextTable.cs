using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace PolyChat.Cli.Sessions;

/// <summary>Columns padded to their widest cell, two spaces apart; numbers are right-aligned.</summary>
internal sealed class TextTable
{
    private readonly string[] _headers;
    private readonly bool[] _rightAligned;
    private readonly List<string[]> _rows = [];

    /// <param name="headers">The column headers; a header that starts with '>' is a right-aligned column (the '>' is dropped).</param>
    public TextTable(params string[] headers)
    {
        _rightAligned = headers.Select(h => h.StartsWith('>')).ToArray();
        _headers = headers.Select(h => h.TrimStart('>')).ToArray();
    }

    public void Add(params string[] cells)
    {
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"A row has {cells.Length} cells; the table has {_headers.Length} columns.", nameof(cells));
        }

        _rows.Add(cells);
    }

    public void Write(TextWriter output, string indent = "")
    {
        var widths = _headers.Select((header, column) => _rows.Select(row => row[column].Length).Append(header.Length).Max()).ToArray();
        WriteRow(output, indent, _headers, widths);
        foreach (var row in _rows)
        {
            WriteRow(output, indent, row, widths);
        }
    }

    private void WriteRow(TextWriter output, string indent, string[] cells, int[] widths)
    {
        var padded = cells.Select((cell, column) => _rightAligned[column] ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]));
        output.WriteLine(indent + string.Join("  ", padded).TrimEnd());
    }
}
