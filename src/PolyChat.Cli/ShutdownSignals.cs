using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace PolyChat.Cli;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM (<c>kill</c>, <c>docker stop</c>, systemd) as a cancellation token: the first
/// signal asks the running command to stop, closing its sockets, and it then exits 0; a second one, if that stop
/// hangs, ends the process the operating system's way.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    public ShutdownSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Exchange(ref _received, 1) != 0)
        {
            return; // the second signal: let it terminate the process
        }

        context.Cancel = true;
        _stop.Cancel();
    }
}
