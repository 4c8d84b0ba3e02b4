using System;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Testing.Probing;

namespace PolyChat.Testing.Tests.Probing;

/// <summary>Runs the probe against a simulator on 127.0.0.1, with time limits that only a broken run reaches.</summary>
internal static class ProbeHarness
{
    public const string ConnectorToken = "probe-secret-connector-token-7f3a";
    public const string Host = "example.com";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static ProbeOptions Options(PolyAiSimulator simulator, TimeProvider? time = null, Action<string>? progress = null) => new()
    {
        ConnectorToken = ConnectorToken,
        Host = Host,
        BaseAddress = simulator.BaseAddress,
        WebSocketAddress = simulator.WebSocketAddress,
        Timeout = Timeout,
        FrameTimeout = TimeSpan.FromSeconds(10),
        ReplyTimeout = TimeSpan.FromSeconds(10),

        // The simulator queues a replay before it reads a frame, so the barrier's answer always comes last.
        SettleTime = TimeSpan.Zero,
        TimeProvider = time ?? TimeProvider.System,
        Progress = progress,
    };

    public static Task<PolyAiSimulator> StartAsync(ServerBehavior behavior, SimulatorOptions? options = null) =>
        PolyAiSimulator.StartAsync((options ?? new SimulatorOptions()) with { Behavior = behavior, ConnectorToken = ConnectorToken, AllowedHost = Host });

    public static async Task<ProbeReport> RunAsync(ServerBehavior behavior, SimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        await using var simulator = await StartAsync(behavior, options);
        return await ServerProbe.RunAsync(Options(simulator), cancellationToken);
    }
}
