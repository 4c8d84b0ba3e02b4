using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Testing;
using PolyChat.Testing.Probing;

namespace PolyChat.Cli;

/// <summary><c>polychat serve</c>: the simulator in the foreground, until SIGINT (Ctrl+C) or SIGTERM.</summary>
internal static class ServeCommand
{
    public const string ConnectorToken = "polychat-dev-connector";
    public const string Host = "localhost";

    /// <summary>The line that says the server is up; printed last, once everything above it is true.</summary>
    public const string ReadyLine = "Press Ctrl+C to stop.";

    public static async Task<int> RunAsync(int port, int? faultSeed, string? profile, string? profileFrom, TextWriter output, TextWriter stderr, CancellationToken stop)
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
        var described = behavior.Name;
        if (profileFrom is not null)
        {
            ProbeReport report;
            try
            {
                report = ProbeReport.FromJson(await File.ReadAllTextAsync(profileFrom, stop).ConfigureAwait(false));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                stderr.WriteLine($"polychat: cannot read the probe report '{profileFrom}': {exception.Message}");
                return ExitCodes.Usage;
            }

            // Everything the report decided that the simulator can play; the rest keeps the defaults.
            options = report.ToSimulatorOptions(options);
            behavior = options.Behavior;
            described = $"{behavior.Name} (from {profileFrom}: {report.Points.Count(p => p.IsDecided)} of {report.Points.Count} points decided)";
        }

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
            output.WriteLine($"  server behaviour: {described}");
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
