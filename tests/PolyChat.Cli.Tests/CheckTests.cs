using System.IO;
using System.Linq;
using Xunit;

namespace PolyChat.Cli.Tests;

public sealed class CheckTests
{
    private static readonly string Suite = Path.Combine(System.AppContext.BaseDirectory, "TestData", "JSONTestSuite", "test_parsing");

    [Fact]
    public void ValidFrameIsOkWithItsType()
    {
        var path = Temp("{\"payload\":{\"text\":\"hi\"},\"type\":\"EVENT_TYPE_USER_MESSAGE\"}");
        var result = CliResult.Run(string.Empty, "check", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{path}: ok EVENT_TYPE_USER_MESSAGE", result.StdoutLines.Single());
    }

    [Theory]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("{}", "no 'type'")]
    [InlineData("{\"payload\":{}}", "no 'type'")]
    [InlineData("", "empty")]
    [InlineData("{\"type\":\"EVENT_TYPE_USER_MESSAGE\",\n\"payload\":{\"text\":5}}", "line 2, byte 19")]
    public void ValidJsonThatIsNotAnEventIsAnErrorThatSaysSo(string content, string expected)
    {
        var path = Temp(content);
        var result = CliResult.Run(string.Empty, "check", path);

        Assert.Equal(1, result.ExitCode);
        var line = result.StdoutLines.Single();
        Assert.StartsWith($"{path}: error: ", line);
        Assert.Contains(expected, line);
        Assert.Matches(@"\(line \d+, byte \d+\)$", line);
    }

    [Fact]
    public void OneLinePerFileAndExit1WhenAnyFails()
    {
        var good = Temp("{\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{}}");
        var bad = Temp("{");
        var result = CliResult.Run(string.Empty, "check", good, bad, "/no/such/file.json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(3, result.StdoutLines.Length);
        Assert.EndsWith("ok EVENT_TYPE_HEARTBEAT", result.StdoutLines[0]);
        Assert.Contains(": error: ", result.StdoutLines[1]);
        Assert.EndsWith("error: no such file", result.StdoutLines[2]);
    }

    /// <summary>A frame saved with a UTF-8 byte order mark (Windows editors, Windows PowerShell) is read past it (our rule).</summary>
    [Fact]
    public void LeadingByteOrderMarkIsSkipped()
    {
        var path = Temp("\uFEFF{\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{}}");
        Assert.Equal([0xEF, 0xBB, 0xBF], File.ReadAllBytes(path)[..3]);

        var result = CliResult.Run(string.Empty, "check", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{path}: ok EVENT_TYPE_HEARTBEAT", result.StdoutLines.Single());
    }

    [Fact]
    public void AByteOrderMarkAloneIsAnEmptyFrame()
    {
        var path = Temp("\uFEFF");
        var result = CliResult.Run(string.Empty, "check", path);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"{path}: error: ", result.StdoutLines.Single());
        Assert.Contains("empty", result.StdoutLines.Single());
    }

    [Fact]
    public void ADirectoryIsReportedAsADirectory()
    {
        var directory = Directory.CreateTempSubdirectory("polychat-check-").FullName;
        try
        {
            var result = CliResult.Run(string.Empty, "check", directory);

            Assert.Equal(1, result.ExitCode);
            Assert.Equal($"{directory}: error: is a directory", result.StdoutLines.Single());
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public void EveryJsonTestSuiteCaseGetsACleanVerdict()
    {
        var files = Directory.GetFiles(Suite, "*.json").OrderBy(f => f, System.StringComparer.Ordinal).ToArray();
        Assert.Equal(318, files.Length);

        var result = CliResult.Run(string.Empty, new[] { "check" }.Concat(files).ToArray());

        Assert.Empty(result.Stderr);
        Assert.Equal(files.Length, result.StdoutLines.Length);
        for (var i = 0; i < files.Length; i++)
        {
            var line = result.StdoutLines[i];
            Assert.Matches(@"^.+: (ok EVENT_TYPE_\w+|error: .+ \(line \d+, byte \d+\))$", line);
            Assert.DoesNotContain("   at ", line);
            if (Path.GetFileName(files[i]).StartsWith("n_", System.StringComparison.Ordinal))
            {
                Assert.Contains(": error: ", line);
            }
        }
    }

    private static string Temp(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), "polychat-check-" + System.Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, content);
        return path;
    }
}
