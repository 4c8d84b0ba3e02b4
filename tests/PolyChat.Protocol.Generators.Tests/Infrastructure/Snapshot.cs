using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit.Sdk;

namespace PolyChat.Protocol.Generators.Tests.Infrastructure;

/// <summary>
/// Golden-file checks with Verify's conventions, so moving to Verify.Xunit later is mechanical:
/// <c>Snapshots/&lt;Class&gt;.&lt;Method&gt;#&lt;name&gt;.verified.cs</c> beside the test; a mismatch writes
/// <c>.received.cs</c> (git-ignored) next to it; <c>POLYCHAT_ACCEPT_SNAPSHOTS=1</c> accepts received output.
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "POLYCHAT_ACCEPT_SNAPSHOTS";

    /// <summary>Checks every named text of one test, and that no verified file of that test is left over.</summary>
    public static void Verify(
        IReadOnlyDictionary<string, string> files,
        string testClass,
        [CallerMemberName] string testMethod = "")
    {
        var directory = Path.Combine(ProjectDirectory, "Snapshots");
        var prefix = $"{testClass}.{testMethod}#";
        var accept = Environment.GetEnvironmentVariable(AcceptVariable) == "1"
            && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Directory.CreateDirectory(directory);

        var failures = new List<string>();
        foreach (var (name, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var baseName = prefix + Path.GetFileNameWithoutExtension(name);
            var extension = Path.GetExtension(name);
            var verified = Path.Combine(directory, baseName + ".verified" + extension);
            var received = Path.Combine(directory, baseName + ".received" + extension);
            var actual = Normalize(text);
            if (File.Exists(verified) && Normalize(File.ReadAllText(verified)) == actual)
            {
                File.Delete(received);
                continue;
            }

            if (accept)
            {
                File.WriteAllText(verified, actual);
                File.Delete(received);
                continue;
            }

            File.WriteAllText(received, actual);
            failures.Add(File.Exists(verified)
                ? $"{Path.GetFileName(verified)} differs; see {Path.GetFileName(received)}"
                : $"{Path.GetFileName(verified)} does not exist; see {Path.GetFileName(received)}");
        }

        var expected = new HashSet<string>(files.Keys.Select(k => prefix + Path.GetFileNameWithoutExtension(k)), StringComparer.Ordinal);
        foreach (var stale in Directory.EnumerateFiles(directory, prefix + "*.verified.*"))
        {
            var stem = Path.GetFileName(stale);
            stem = stem[..stem.IndexOf(".verified.", StringComparison.Ordinal)];
            if (!expected.Contains(stem))
            {
                if (accept)
                {
                    File.Delete(stale);
                }
                else
                {
                    failures.Add($"{Path.GetFileName(stale)} is no longer produced");
                }
            }
        }

        if (failures.Count > 0)
        {
            throw new XunitException(
                $"Snapshot mismatch ({failures.Count}). Review the .received files, then rerun with {AcceptVariable}=1 to accept:\n  "
                + string.Join("\n  ", failures));
        }
    }

    /// <summary>Checks one text.</summary>
    public static void Verify(string text, string name, string testClass, [CallerMemberName] string testMethod = "") =>
        Verify(new Dictionary<string, string> { [name] = text }, testClass, testMethod);

    private static string ProjectDirectory =>
        typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ProjectDirectory").Value!;

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF');
}
