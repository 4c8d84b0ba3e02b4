using System.Collections.Generic;
using System.IO;
using System.Text;

namespace PolyChat.Storage.Tests.Crash;

/// <summary>Reads the lines appended to the child's log since the last read; a partly written last line waits for its end.</summary>
internal sealed class LogTail(string path)
{
    private long _position;
    private string _partial = string.Empty;

    public List<HandledLine> ReadNew()
    {
        var lines = new List<HandledLine>();
        if (!File.Exists(path))
        {
            return lines;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(_position, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = _partial + reader.ReadToEnd();
        _position = stream.Position;
        var end = text.LastIndexOf('\n');
        _partial = end < 0 ? text : text[(end + 1)..];
        if (end >= 0)
        {
            foreach (var line in text[..end].Split('\n'))
            {
                lines.Add(HandledLine.Parse(line.TrimEnd('\r')));
            }
        }

        return lines;
    }
}
