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
        Assert.Contains("messages: sent, sent, sent", result.Stdout);
        Assert.Contains("REASON_USER_END", result.Stdout);
        Assert.DoesNotContain("lost", result.Stdout);
    }

    /// <summary>
    /// Delivery lines say what happened to a message as a person watching the chat reads it, never a status
    /// transition such as "Sending -> Sending": each message is sent and then echoed (our rule for the demo).
    /// </summary>
    [Theory]
    [InlineData("--seed", "42")]
    [InlineData("--no-faults")]
    public void DeliveryLinesReadAsWhatHappened(params string[] options)
    {
        var result = CliResult.Run(string.Empty, new[] { "demo" }.Concat(options).ToArray());

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        // Indented lines are delivery updates, rejected frames and gaps; the last two are not about deliveries.
        var deliveries = result.StdoutLines
            .Where(line => line.StartsWith("    ", System.StringComparison.Ordinal))
            .Where(line => !line.StartsWith("    rejected frame: ", System.StringComparison.Ordinal) && !line.StartsWith("    gap: ", System.StringComparison.Ordinal))
            .ToArray();
        Assert.NotEmpty(deliveries);
        Assert.All(deliveries, line => Assert.Matches(
            @"^    (""[^""]*""|agent join request|end of session): (sending…|retrying \(attempt \d+\)|sent \(echo #\d+\)|duplicate echo ignored)$",
            line));
        foreach (var text in new[] { "\"Can I change my delivery address?\"", "\"Great, and when will it arrive?\"", "\"Thanks, that's all.\"", "end of session" })
        {
            Assert.Contains($"    {text}: sending…", deliveries);
            Assert.Single(deliveries, line => line.StartsWith($"    {text}: sent (echo #", System.StringComparison.Ordinal));
        }

        Assert.DoesNotContain("->", result.Stdout);
    }
}
