using System;
using System.Collections.Generic;
using System.IO;
using PolyChat.Protocol;

namespace PolyChat.Cli.Check;

/// <summary><c>polychat check</c>: one verdict line per file; no input can crash it.</summary>
internal static class FrameChecker
{
    /// <summary>Files larger than this are not read: a frame is at most PolyAI's 128 KB, with room to spare.</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

    public static int Run(IReadOnlyList<string> paths, TextWriter output)
    {
        var allValid = true;
        foreach (var path in paths)
        {
            var verdict = Check(path);
            allValid &= verdict.StartsWith("ok ", StringComparison.Ordinal);
            output.WriteLine($"{path}: {verdict}");
        }

        return allValid ? ExitCodes.Success : ExitCodes.Rejected;
    }

    /// <summary>"ok EVENT_TYPE_…" or "error: reason (line L, byte B)", both 1-based.</summary>
    public static string Check(string path)
    {
        byte[] frame;
        try
        {
            if (Directory.Exists(path))
            {
                return "error: is a directory";
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return "error: no such file";
            }

            if (info.Length > MaxFileBytes)
            {
                return $"error: the file is larger than {MaxFileBytes} bytes";
            }

            frame = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"error: cannot read the file: {exception.Message}";
        }

        try
        {
            var value = PolyChatJson.Read(Utf8ByteOrderMark.Skip(frame));
            return $"ok {value.Type}";
        }
        catch (PolyChatJsonException error)
        {
            return $"error: {error.Reason} (line {(error.LineNumber ?? 0) + 1}, byte {(error.BytePositionInLine ?? error.BytePosition) + 1})";
        }
    }
}
