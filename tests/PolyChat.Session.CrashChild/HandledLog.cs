using System;
using System.IO;
using System.Text;

namespace PolyChat.Session.CrashChild;

/// <summary>
/// The application's own record, one tab-separated line per fact, appended and flushed at once so that a SIGKILL
/// loses nothing written before it (the parent reads it after each kill).
/// </summary>
internal sealed class HandledLog : IDisposable
{
    private readonly object _gate = new();
    private readonly StreamWriter _writer;

    public HandledLog(string path) =>
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };

    public void Write(params object?[] fields)
    {
        var line = string.Join('\t', Array.ConvertAll(fields, f => f?.ToString()?.Replace('\t', ' ').Replace('\n', ' ') ?? "-"));
        lock (_gate)
        {
            _writer.WriteLine(line);
        }
    }

    public void Dispose() => _writer.Dispose();
}
