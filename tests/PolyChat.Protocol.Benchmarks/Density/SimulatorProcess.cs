using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Testing;

namespace PolyChat.Protocol.Benchmarks.Density;

/// <summary>
/// The simulator in a process of its own, so that the density run measures the client's memory and CPU alone:
/// this same executable started with <c>--simulator PORT</c>.
/// </summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    public const string ConnectorToken = "density-connector";
    public const string Host = "localhost";

    private readonly Process _process;

    private SimulatorProcess(Process process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        WebSocketAddress = new Uri($"ws://127.0.0.1:{port}/ws");
    }

    public Uri BaseAddress { get; }

    public Uri WebSocketAddress { get; }

    /// <summary>Starts the child and waits for its "ready" line.</summary>
    public static async Task<SimulatorProcess> StartAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(SimulatorProcess).Assembly.Location);
        }

        start.ArgumentList.Add("--simulator");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException("The simulator process did not start.");
        var line = await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line != "ready")
        {
            process.Kill();
            throw new InvalidOperationException($"The simulator process said '{line}' instead of 'ready'.");
        }

        return new SimulatorProcess(process, port);
    }

    /// <summary>The child's side: serve until standard input closes.</summary>
    public static async Task<int> ServeAsync(int port)
    {
        await using var simulator = await PolyAiSimulator.StartAsync(new SimulatorOptions
        {
            Port = port,
            ConnectorToken = ConnectorToken,
            AllowedHost = Host,
            MaxConnectionsPerSession = 10,
        }).ConfigureAwait(false);
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync().ConfigureAwait(false);
        return 0;
    }

    public long WorkingSetBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
