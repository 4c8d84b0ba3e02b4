using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Channels;
using System.Threading.Tasks;
using Xunit;

namespace PolyChat.Storage.Tests.Stores;

/// <summary>A <see cref="LeaseProbe"/> running as a separate OS process, its standard output read line by line.</summary>
internal sealed class ProbeProcess : IDisposable
{
    // How long any one step may take before the test gives up: a guard against a hang, not an assertion on speed.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly System.Text.StringBuilder _errors = new();

    private ProbeProcess(Process process) => _process = process;

    public string Name { get; private init; } = string.Empty;

    public int Id => _process.Id;

    public static ProbeProcess Start(string kind, string connectionString, string sessionId, string owner, TimeSpan lease, string mode)
    {
        var start = new ProcessStartInfo(DotNet())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["exec", typeof(LeaseProbe).Assembly.Location, LeaseProbe.Command, kind, connectionString, sessionId, owner,
                     ((long)lease.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), mode])
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var probe = new ProbeProcess(process) { Name = $"{owner} ({mode})" };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                probe._lines.Writer.TryComplete();
            }
            else
            {
                probe._lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (probe._errors)
                {
                    probe._errors.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return probe;
    }

    /// <summary>The next line the probe writes; fails when it exits first.</summary>
    public async Task<string> NextLineAsync()
    {
        try
        {
            return await _lines.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        }
        catch (ChannelClosedException)
        {
            await _process.WaitForExitAsync().WaitAsync(Patience);
            throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) without another line. Its errors:\n{Errors}");
        }
    }

    /// <summary>The next line, which must start with <paramref name="word"/>; returns the words after it.</summary>
    public async Task<string[]> ExpectAsync(string word)
    {
        var line = await NextLineAsync();
        var words = line.Split(' ');
        Assert.True(words[0] == word, $"{Name}: expected '{word} ...', got '{line}'. Its errors:\n{Errors}");
        return words[1..];
    }

    /// <summary>Every line the probe writes until it exits.</summary>
    public async Task<string[]> RemainingLinesAsync()
    {
        var lines = new System.Collections.Generic.List<string>();
        await foreach (var line in _lines.Reader.ReadAllAsync().WithCancellation(default))
        {
            lines.Add(line);
        }

        return [.. lines];
    }

    public async Task<int> ExitCodeAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Patience);
        return _process.ExitCode;
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Sends a Unix signal (STOP, CONT) with <c>kill</c>.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{name} {Id} failed");
    }

    /// <summary>Kills the process with SIGKILL (<see cref="Process.Kill()"/> on Unix) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(Patience);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    private static string DotNet()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
    }
}
