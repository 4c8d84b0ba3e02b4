using System.Linq;
using Xunit;

namespace PolyChat.Cli.Tests;

public sealed class DemoTests
{
    [Theory]
    [InlineData("--seed", "42")]
    [InlineData("--seed", "7")]
    [InlineData("--no-faults")]
    public void ScriptedConversationCompletesThroughFaults(params string[] options)
    {
        var result = CliResult.Run(string.Empty, new[] { "demo" }.Concat(options).ToArray());

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("EVENT_TYPE_SESSION_END", result.Stdout);
        Assert.Contains("messages: Sent, Sent, Sent", result.Stdout);
        Assert.Contains("REASON_USER_END", result.Stdout);
        Assert.DoesNotContain("lost", result.Stdout);
    }
}
