using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using PolyChat.Testing.Probing;
using Xunit;

namespace PolyChat.Testing.Tests.Probing;

/// <summary>The report's JSON round trip, and the profile's defaults where a report leaves points open.</summary>
public sealed class ProbeReportTests
{
    [Fact]
    public async Task TheJsonReadsBackToTheSameReportAndProfile()
    {
        var report = await ProbeHarness.RunAsync(ServerBehavior.SilentEnd);

        var json = report.ToJson();
        var read = ProbeReport.FromJson(json);

        Assert.Equal(json, read.ToJson());
        Assert.Equal(report.ToMarkdown(), read.ToMarkdown());
        Assert.Equal(ServerBehavior.FromProbeReport(report), ServerBehavior.FromProbeReport(json));
        Assert.Contains("\"answer\": \"close-without-session-end\"", json, System.StringComparison.Ordinal);
    }

    [Fact]
    public void UndecidedPointsAndAnswersTheSimulatorCannotPlayKeepTheDefaults()
    {
        var report = new ProbeReport
        {
            RestAddress = "https://messaging.example.com/",
            WebSocketAddress = "wss://messaging.example.com/ws",
            Points =
            [
                .. ProbePointIds.All.Select(id => new ProbePoint { Id = id, Question = "?", Answer = ProbePoint.Undecided, Observed = "-", ForClients = "-", Simulator = "-" }),
                new ProbePoint { Id = ProbePointIds.EndedSessionHandshake, Question = "?", Answer = "http-410", Observed = "-", ForClients = "-", Simulator = "-" },
                new ProbePoint { Id = ProbePointIds.OversizedFrame, Question = "?", Answer = "closed", Observed = "-", ForClients = "-", Simulator = "-" },
            ],
        };

        Assert.Equal(ServerBehavior.Default with { Name = "probed" }, ServerBehavior.FromProbeReport(report.ToJson()));
        var template = new SimulatorOptions { MaxConnectionsPerSession = 4 };
        Assert.Equal(template with { Behavior = ServerBehavior.Default with { Name = "probed" } }, report.ToSimulatorOptions(template));
    }

    [Theory]
    [InlineData("""{"format": 2, "rest_address": "x", "web_socket_address": "y"}""")]
    [InlineData("""{"points": []}""")]
    [InlineData("null")]
    public void WhatIsNotAReportOfAKnownFormatIsRefused(string json)
    {
        Assert.ThrowsAny<JsonException>(() => ProbeReport.FromJson(json));
    }
}
