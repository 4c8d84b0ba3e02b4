using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Simulator;

namespace PolyChat.Cli;

/// <summary><c>polychat serve</c>: the simulator in the foreground, until cancelled.</summary>
internal static class ServeCommand
{
    public const string ConnectorToken = "polychat-dev-connector";
    public const string Host = "localhost";

    public static async Task<int> RunAsync(int port, int? faultSeed, string? profile, TextWriter output, CancellationToken cancellationToken)
    {
        // The parser accepts only preset names and "random"; the fault seed also seeds the profile's choices.
        var behavior = profile is null ? ServerBehavior.Default : ServerBehavior.FromName(profile, faultSeed ?? 0);
        var options = new SimulatorOptions
        {
            Behavior = behavior,
            Port = port,
            ConnectorToken = ConnectorToken,
            AllowedHost = Host,
            Faults = faultSeed is { } seed ? DemoCommand.ChaosFaults(seed) : FaultOptions.None,
        };
        await using var simulator = await PolyAiSimulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"PolyAI simulator on {simulator.BaseAddress} (WebSocket {simulator.WebSocketAddress})");
        output.WriteLine($"  POST {simulator.BaseAddress}api/v1/access-token with X-Token: {ConnectorToken} and X-Host: {Host}");
        output.WriteLine(faultSeed is null ? "  faults: off" : $"  faults: on (seed {faultSeed})");
        output.WriteLine($"  server behaviour: {behavior.Name}");
        output.WriteLine("Press Ctrl+C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return ExitCodes.Success;
    }
}
