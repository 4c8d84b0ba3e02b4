using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Cli.Tests;

/// <summary>
/// The built <c>polychat</c> apphost (copied beside the test assembly by the project reference) as a child
/// process: its output read line by line as it comes, signals sent with <c>kill</c>. Unix only, as <c>kill</c> is.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private const int SigInt = 2;
    private static readonly IntPtr SigDfl = IntPtr.Zero;

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Task _stdout;
    private readonly Task<string> _stderr;

    private CliProcess(Process process)
    {
        _process = process;
        _stdout = Task.Run(ReadLinesAsync);
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static string AppHost => Path.Combine(AppContext.BaseDirectory, "polychat");

    public int Id => _process.Id;

    public static CliProcess Start(params string[] args)
    {
        RestoreDefaultInterrupt();
        var info = new ProcessStartInfo(AppHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new CliProcess(Process.Start(info) ?? throw new InvalidOperationException($"{AppHost} did not start."));
    }

    /// <summary>Waits until a line of standard output satisfies <paramref name="match"/>, or fails after <paramref name="cap"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan cap)
    {
        using var timeout = new CancellationTokenSource(cap);
        var seen = 0;
        while (true)
        {
            lock (_lines)
            {
                for (; seen < _lines.Count; seen++)
                {
                    if (match(_lines[seen]))
                    {
                        return _lines[seen];
                    }
                }
            }

            if (_stdout.IsCompleted)
            {
                throw new InvalidOperationException($"polychat ended without the expected line:\n{Stdout}\n{await _stderr.ConfigureAwait(false)}");
            }

            try
            {
                await _changed.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No expected line from polychat within {cap}:\n{Stdout}");
            }
        }
    }

    /// <summary>Sends a signal by name (<c>INT</c>, <c>TERM</c>) with <c>kill</c>.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{name} {_process.Id}") { UseShellExecute = false })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{name} {_process.Id} failed with {kill.ExitCode}.");
        }
    }

    /// <summary>Waits for the process to end, at most <paramref name="cap"/>; null if it is still running then.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan cap)
    {
        using var timeout = new CancellationTokenSource(cap);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        await _stdout.ConfigureAwait(false);
        return _process.ExitCode;
    }

    public string Stdout
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    public Task<string> Stderr => _stderr;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        _changed.Dispose();
    }

    private async Task ReadLinesAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }

            _changed.Release();
        }

        _changed.Release();
    }

    /// <summary>
    /// A test host started with SIGINT ignored (a background job without job control, <c>nohup</c>) passes that
    /// to its children, and a .NET process leaves an inherited SIGINT ignored, as background jobs should. The
    /// child must see Ctrl+C as a terminal's foreground process does, so the ignore is lifted here, and only then.
    /// </summary>
    private static void RestoreDefaultInterrupt()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/status"))
        {
            return;
        }

        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal)
                && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (SigInt - 1))) != 0)
            {
                _ = NativeSignal(SigInt, SigDfl);
            }
        }
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr NativeSignal(int signal, IntPtr handler);
}
