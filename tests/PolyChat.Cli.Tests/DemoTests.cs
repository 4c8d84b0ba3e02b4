using System.Linq;
using Xunit;

namespace PolyChat.Cli.Tests;

public sealed class DemoTests
{
    // What the end request says when a drop lost its echo and SESSION_END and the server no longer knows the session.
    private const string EndedUnseen = "the session ended: after the end request the server no longer knows it (404), so its echo and SESSION_END were not received";

    [Theory]
    [InlineData("--seed", "42")]
    [InlineData("--seed", "7")]
    [InlineData("--no-faults")]
    public void ScriptedConversationCompletesThroughFaults(params string[] options)
    {
        var result = CliResult.Run(string.Empty, new[] { "demo" }.Concat(options).ToArray());

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("messages: sent, sent, sent", result.Stdout);
        Assert.DoesNotContain("lost", result.Stdout);
        Assert.DoesNotContain("exception", result.Stdout + result.Stderr, System.StringComparison.OrdinalIgnoreCase);

        // The session ends as asked: SESSION_END arrives (§2 USER_END_SESSION → echo → SESSION_END), or, when a
        // fault drops the connection right after the end request, the server no longer knows the ended session on
        // reconnect (§5e, 404) and the demo says so. Without faults, only the first can happen.
        if (options.Contains("--no-faults") || !result.Stdout.Contains(EndedUnseen, System.StringComparison.Ordinal))
        {
            Assert.Contains("EVENT_TYPE_SESSION_END", result.Stdout);
            Assert.Contains("REASON_USER_END", result.Stdout);
        }
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
            // With faults, a drop can lose the end request's echo and SESSION_END; the server then no longer knows
            // the ended session (§5e, 404) and the end request says so instead of "sent".
            @"^    (""[^""]*""|agent join request|end of session): (sending…|retrying \(attempt \d+\)|sent \(echo #\d+\)|duplicate echo ignored)$" +
            @"|^    end of session: failed: " + System.Text.RegularExpressions.Regex.Escape(EndedUnseen) + "$",
            line));
        foreach (var text in new[] { "\"Can I change my delivery address?\"", "\"Great, and when will it arrive?\"", "\"Thanks, that's all.\"", "end of session" })
        {
            Assert.Contains($"    {text}: sending…", deliveries);
            var endedUnseen = text == "end of session" && deliveries.Contains($"    end of session: failed: {EndedUnseen}", System.StringComparer.Ordinal);
            Assert.Equal(endedUnseen ? 0 : 1, deliveries.Count(line => line.StartsWith($"    {text}: sent (echo #", System.StringComparison.Ordinal)));
        }

        Assert.DoesNotContain("->", result.Stdout);
    }
}
