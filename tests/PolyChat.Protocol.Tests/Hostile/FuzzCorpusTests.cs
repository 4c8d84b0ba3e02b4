using System;
using System.IO;
using System.Linq;
using PolyChat.Protocol.Fuzz;
using Xunit;

namespace PolyChat.Protocol.Tests.Hostile;

/// <summary>
/// Replays the fuzzer's kept corpus (tests/PolyChat.Protocol.Fuzz/corpus: AFL++'s minimized queue plus every
/// input that once crashed or hung) through the fuzz target, so what fuzzing found stays fixed without AFL++.
/// </summary>
public sealed class FuzzCorpusTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "FuzzCorpus");

    [Fact]
    public void EveryKeptInputRunsThroughTheFuzzTargetWithoutAFinding()
    {
        var files = Directory.GetFiles(Folder).Order(StringComparer.Ordinal).ToArray();
        Assert.True(files.Length >= 100, $"Only {files.Length} corpus files: the corpus was not copied.");
        foreach (var file in files)
        {
            try
            {
                FuzzTarget.Run(File.ReadAllBytes(file));
            }
            catch (Exception exception)
            {
                Assert.Fail($"{Path.GetFileName(file)}: {exception}");
            }
        }
    }
}
