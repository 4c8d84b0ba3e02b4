using Xunit;

namespace PolyChat.Cli.Tests;

public sealed class ServeTests
{
    [Fact]
    public void AnUnknownProfileIsAUsageErrorThatNamesTheChoices()
    {
        var result = CliResult.Run(string.Empty, "serve", "--profile", "gentle");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("gentle", result.Stderr);
        Assert.Contains("sequence-holes", result.Stderr);
        Assert.Contains("random", result.Stderr);
    }
}
