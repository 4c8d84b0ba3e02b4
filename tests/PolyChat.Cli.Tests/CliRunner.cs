using System.IO;
using System.Text;

namespace PolyChat.Cli.Tests;

/// <summary>Runs the CLI in-process with captured streams.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', System.StringSplitOptions.RemoveEmptyEntries);

    public string[] StderrLines => Stderr.Split('\n', System.StringSplitOptions.RemoveEmptyEntries);

    public static CliResult Run(string stdin, params string[] args)
    {
        var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        var output = new MemoryStream();
        var error = new StringWriter();
        var exitCode = CliApp.Run(args, input, output, error);
        return new CliResult(exitCode, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }

    public static string Repository
    {
        get
        {
            var directory = new DirectoryInfo(System.AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PolyChat.Protocol.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new DirectoryNotFoundException("The repository root (PolyChat.Protocol.sln) was not found.");
        }
    }
}
