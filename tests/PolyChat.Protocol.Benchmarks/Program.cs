using System.Linq;
using BenchmarkDotNet.Running;

namespace PolyChat.Protocol.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--quick")
        {
            return QuickRun.Run();
        }

        if (args.Length > 1 && args[0] == "--density")
        {
            return Density.DensityRun.RunAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args.Contains("--bare")).GetAwaiter().GetResult();
        }

        if (args.Length > 1 && args[0] == "--simulator")
        {
            return Density.SimulatorProcess.ServeAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)).GetAwaiter().GetResult();
        }

        if (args.Length > 2 && args[0] == "--sessions")
        {
            return SessionStoreBenchmarks.SessionsPerSecondAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)).GetAwaiter().GetResult();
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
