using System;
using System.CodeDom.Compiler;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using System.Xml.Linq;
using PolyChat.Protocol;
using PolyChat.Protocol.Events;
using Xunit;

namespace PolyChat.Cli.Tests;

/// <summary>
/// One version everywhere (our rule): Directory.Build.props holds it, and the library (hence its package),
/// <c>polychat --version</c> and the generated code's <c>[GeneratedCode]</c> stamp all carry it.
/// </summary>
public sealed class VersionTests
{
    [Fact]
    public async Task CliLibraryAndGeneratedCodeCarryTheRepositoryVersion()
    {
        var props = XDocument.Load(Path.Combine(CliResult.Repository, "Directory.Build.props"));
        var prefix = props.Descendants("VersionPrefix").Single().Value;
        var library = WithoutMetadata(typeof(PolyChatJson).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion);
        Assert.True(library == prefix || library.StartsWith(prefix + "-", StringComparison.Ordinal), $"library {library}, Directory.Build.props {prefix}");

        var stamp = typeof(HeartbeatEvent).GetCustomAttribute<GeneratedCodeAttribute>()!;
        Assert.Equal("PolyChat.Protocol.Generators", stamp.Tool);
        Assert.Equal(library, stamp.Version);

        using var cli = CliProcess.Start("--version");
        var exitCode = await cli.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, exitCode);
        Assert.Equal(library, WithoutMetadata(cli.Stdout.Trim()));
    }

    /// <summary>The SDK appends the source revision after '+'; it is build metadata, not part of the version.</summary>
    private static string WithoutMetadata(string version) => version.Split('+')[0];
}
