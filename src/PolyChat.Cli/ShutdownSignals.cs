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

        // Not on this thread: the runtime raises signals one after another on it, so callbacks that ran here (the
        // command's stop, inline) would hold back a second signal until the stop was over, or for good if it hung.
        ThreadPool.UnsafeQueueUserWorkItem(static stop => CancelUnlessDisposed(stop), _stop, preferLocal: false);
    }

    private static void CancelUnlessDisposed(CancellationTokenSource stop)
    {
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The command had already ended and disposed the signals: there is nothing left to stop.
        }
    }
}
