using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Testing;

namespace PolyChat.Cli;

/// <summary><c>polychat serve</c>: the simulator in the foreground, until SIGINT (Ctrl+C) or SIGTERM.</summary>
internal static class ServeCommand
{
    public const string ConnectorToken = "polychat-dev-connector";
    public const string Host = "localhost";

    /// <summary>The line that says the server is up; printed last, once everything above it is true.</summary>
    public const string ReadyLine = "Press Ctrl+C to stop.";

    public static async Task<int> RunAsync(int port, int? faultSeed, string? profile, TextWriter output, CancellationToken stop)
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
        PolyAiSimulator simulator;
        try
        {
            simulator = await PolyAiSimulator.StartAsync(options, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            output.WriteLine("stopped before the server was up");
            return ExitCodes.Success;
        }

        await using (simulator.ConfigureAwait(false))
        {
            output.WriteLine($"PolyAI simulator on {simulator.BaseAddress} (WebSocket {simulator.WebSocketAddress})");
            output.WriteLine($"  POST {simulator.BaseAddress}api/v1/access-token with X-Token: {ConnectorToken} and X-Host: {Host}");
            output.WriteLine(faultSeed is null ? "  faults: off" : $"  faults: on (seed {faultSeed})");
            output.WriteLine($"  server behaviour: {behavior.Name}");
            output.WriteLine(ReadyLine);
            try
            {
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            output.WriteLine("stopping: closing connections");
        }

        output.WriteLine("stopped");
        return ExitCodes.Success;
    }
}
