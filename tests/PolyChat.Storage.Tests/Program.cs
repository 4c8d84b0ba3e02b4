using System;
using System.Threading.Tasks;
using PolyChat.Storage.Tests.Stores;

namespace PolyChat.Storage.Tests;

/// <summary>
/// The test assembly's entry point. The test runner loads the assembly and never calls it; the two-process lease tests
/// start the assembly again (<c>dotnet exec</c>) as a <see cref="LeaseProbe"/>, so the probe is built with the tests.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == LeaseProbe.Command)
        {
            return LeaseProbe.RunAsync(args[1..]);
        }

        Console.Error.WriteLine($"Run the tests with dotnet test; '{LeaseProbe.Command}' is the helper process the lease tests start.");
        return Task.FromResult(64);
    }
}
