using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Xunit;

namespace PolyChat.Protocol.Tests.Support;

/// <summary>The hand-written frames under Frames/, copied next to the test assembly.</summary>
public static class FrameFiles
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Frames");

    /// <summary>Every frame file: server frames, client-form frames and the PROTOCOL.md §8 examples.</summary>
    public static TheoryData<string> All => Data(_ => true);

    /// <summary>One full-envelope server frame per event type, named after the type.</summary>
    public static TheoryData<string> Server => Data(name => name.StartsWith("EVENT_TYPE_", StringComparison.Ordinal));

    /// <summary>Client-form frames: only type, payload and metadata.</summary>
    public static TheoryData<string> Client => Data(name => name.StartsWith("client-", StringComparison.Ordinal));

    /// <summary>The example frames of PROTOCOL.md §8, copied verbatim.</summary>
    public static TheoryData<string> Examples => Data(name => name.StartsWith("example-", StringComparison.Ordinal));

    public static IReadOnlyList<string> Names(Func<string, bool> filter) =>
        Directory.GetFiles(Folder, "*.json")
            .Select(path => Path.GetFileName(path))
            .Where(filter)
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    public static string Text(string name) => Encoding.UTF8.GetString(Bytes(name));

    public static bool Exists(string name) => File.Exists(Path.Combine(Folder, name));

    /// <summary>The <c>type</c> the file declares, read without the library.</summary>
    public static string WireType(string name)
    {
        using var document = JsonDocument.Parse(Bytes(name));
        return document.RootElement.GetProperty("type").GetString()!;
    }

    private static TheoryData<string> Data(Func<string, bool> filter)
    {
        var data = new TheoryData<string>();
        foreach (var name in Names(filter))
        {
            data.Add(name);
        }

        return data;
    }
}
