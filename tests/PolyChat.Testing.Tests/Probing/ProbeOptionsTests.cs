using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Testing.Probing;
using Xunit;

namespace PolyChat.Testing.Tests.Probing;

/// <summary>The probe's options, limits and stops: the simulator settings it reads, the token it never writes, the session it always ends.</summary>
public sealed class ProbeOptionsTests
{
    [Fact]
    public async Task SimulatorOptionsThePresetsLeaveAloneAreReadBackIntoTheProfile()
    {
        var options = new SimulatorOptions
        {
            MaxConnectionsPerSession = 3,
            DeduplicateByClientEventId = true,
            MaxMessageSizeBytes = 4096,
            HeartbeatIntervalSeconds = 12,
            MaxReconnectAttempts = 7,
        };
        var behavior = ServerBehavior.Default with { OversizedFrameMessage = "Frame too big" };

        var report = await ProbeHarness.RunAsync(behavior, options);
        var profile = report.ToSimulatorOptions();

        Assert.Equal("limit", report.Find(ProbePointIds.ConnectionLimit)!.Answer);
        Assert.Equal("429", report.Find(ProbePointIds.ConnectionLimit)!.Values["refusal_status"]);
        Assert.Equal("first-echo-repeated", report.Find(ProbePointIds.DuplicateClientEventId)!.Answer);
        Assert.Equal("1", report.Find(ProbePointIds.DuplicateClientEventId)!.Values["copies_in_history"]);
        Assert.Equal("5120", report.Find(ProbePointIds.OversizedFrame)!.Values["bytes"]);
        Assert.Equal(
            (3, true, 4096, 12, 7, "Frame too big"),
            (profile.MaxConnectionsPerSession, profile.DeduplicateByClientEventId, profile.MaxMessageSizeBytes, profile.HeartbeatIntervalSeconds,
                profile.MaxReconnectAttempts, profile.Behavior.OversizedFrameMessage));
        Assert.Equal("probed", profile.Behavior.Name);
    }

    [Fact]
    public async Task TheTokensAppearNowhereInTheReport()
    {
        await using var simulator = await ProbeHarness.StartAsync(ServerBehavior.Default);
        var options = ProbeHarness.Options(simulator);

        var report = await ServerProbe.RunAsync(options);

        var json = report.ToJson();
        var markdown = report.ToMarkdown();
        foreach (var text in (string[])[json, markdown, options.ToString()])
        {
            Assert.DoesNotContain(ProbeHarness.ConnectorToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain("access_token", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ACancelledRunEndsItsSessionAndThrows()
    {
        await using var simulator = await ProbeHarness.StartAsync(ServerBehavior.Default);
        using var stop = new CancellationTokenSource();
        var steps = new List<string>();
        var options = ProbeHarness.Options(simulator, progress: step =>
        {
            steps.Add(step);
            if (step == "message")
            {
                stop.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ServerProbe.RunAsync(options, stop.Token));

        Assert.Equal(["create-session", "connect", "before-join", "join", "heartbeat", "message"], steps);
        var session = Assert.Single(simulator.Sessions);
        Assert.True(session.IsEnded);
        Assert.Contains(session.ReceivedFrames, f => f.Type == "EVENT_TYPE_USER_END_SESSION");
    }

    [Fact]
    public async Task TheTimeLimitStopsTheRunWithAReportAndEndsTheSession()
    {
        await using var simulator = await ProbeHarness.StartAsync(ServerBehavior.Default);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);

        // The probe's clock jumps past its limit as the replays step starts: what ran is reported, the rest is not reached.
        var options = ProbeHarness.Options(simulator, clock, step =>
        {
            if (step == "replays")
            {
                clock.Advance(ProbeHarness.Timeout);
            }
        });

        var report = await ServerProbe.RunAsync(options);

        Assert.False(report.Completed);
        Assert.Contains("time limit", report.StoppedBecause, StringComparison.Ordinal);
        Assert.Contains("'replays'", report.StoppedBecause, StringComparison.Ordinal);
        Assert.True(report.SessionEnded);
        Assert.True(Assert.Single(simulator.Sessions).IsEnded);
        Assert.Equal("processed-twice", report.Find(ProbePointIds.DuplicateClientEventId)!.Answer);
        foreach (var point in (string[])[ProbePointIds.OversizedFrame, ProbePointIds.ConnectionLimit, ProbePointIds.SessionEnd, ProbePointIds.EmptyBatch])
        {
            Assert.Equal(ProbePoint.Undecided, report.Find(point)!.Answer);
        }
    }

    [Fact]
    public async Task ToStringShowsNoTokenAndPlainWebSocketsOnlyOnLoopback()
    {
        var options = new ProbeOptions
        {
            ConnectorToken = "secret-token",
            Host = "example.com",
            BaseAddress = new Uri("https://messaging.example.com"),
            WebSocketAddress = new Uri("ws://messaging.example.com/ws"),
        };

        Assert.DoesNotContain("secret-token", options.ToString(), StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => ServerProbe.RunAsync(options));
        Assert.Equal("WebSocketAddress", refused.ParamName);
    }

    [Fact]
    public void ThePlanCountsWhatARunSends()
    {
        var options = new ProbeOptions
        {
            ConnectorToken = "secret-token",
            Host = "example.com",
            BaseAddress = new Uri("https://messaging.example.com"),
            WebSocketAddress = new Uri("wss://messaging.example.com/ws"),
        };

        var plan = string.Join("\n", ProbePlan.Describe(options));

        Assert.Contains("up to 4 user messages", plan, StringComparison.Ordinal);
        Assert.Contains("at most 8 open at once", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", plan, StringComparison.Ordinal);
    }
}
