using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace PolyChat.Cli.Tests;

/// <summary>The published <c>polychat</c> behaves as the in-process one: same output, same exit code.</summary>
public sealed class PublishedBinaryTests
{
    [Fact]
    public void PublishedBinaryReplaysTheSampleTranscript()
    {
        var repository = CliResult.Repository;
        var output = Path.Combine(Path.GetTempPath(), "polychat-publish-" + Guid.NewGuid().ToString("N"));
        try
        {
            var publish = Run("dotnet", $"publish \"{Path.Combine(repository, "src", "PolyChat.Cli")}\" -c Release -o \"{output}\" -p:UseAppHost=true --no-restore --nologo");
            Assert.True(publish.ExitCode == 0, $"dotnet publish failed:\n{publish.Stdout}\n{publish.Stderr}");

            var sample = Path.Combine(output, "samples", "session.jsonl");
            Assert.True(File.Exists(sample), "The sample transcript is published beside the tool.");
            var published = Run(Path.Combine(output, "polychat"), $"replay \"{sample}\"");
            var inProcess = CliResult.Run(string.Empty, "replay", sample);

            Assert.Equal(0, published.ExitCode);
            Assert.Equal(inProcess.Stdout, published.Stdout);
            Assert.Equal(inProcess.Stderr.Trim(), published.Stderr.Trim());
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static CliResult Run(string fileName, string arguments)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {arguments} did not finish within 5 minutes.");
        }

        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
