using System;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// Hands attempts to the application's transport. An attempt never throws: what the transport throws, synchronously
/// or from its task, is passed to the failure callback, and the retry schedule goes on.
/// </summary>
/// <param name="transport">The application's send delegate.</param>
/// <param name="onFailed">Told of each attempt that did not go out; called holding no lock.</param>
internal sealed class AttemptSender(Func<Event, CancellationToken, ValueTask> transport, Action<TrackedMessage, Exception> onFailed)
{
    private readonly CancellationTokenSource _lifetime = new();

    /// <summary>Hands one attempt to the transport. Never throws.</summary>
    /// <remarks>
    /// Not an async method: a transport that completes synchronously (the usual case) then costs no state machine,
    /// which Debug builds would allocate even on the synchronous path.
    /// </remarks>
    public ValueTask SendAsync(TrackedMessage message)
    {
        ValueTask sending;
        try
        {
            sending = transport(message.Event, _lifetime.Token);
        }
        catch (Exception exception)
        {
            onFailed(message, exception);
            return ValueTask.CompletedTask;
        }

        if (sending.IsCompletedSuccessfully)
        {
            sending.GetAwaiter().GetResult();
            return ValueTask.CompletedTask;
        }

        return AwaitAsync(sending, message);
    }

    /// <summary>Cancels the token of every transport call, running or to come.</summary>
    /// <remarks>The source is cancelled, not disposed: a transport call still running may yet register on its token.</remarks>
    public void Cancel() => _lifetime.Cancel();

    private async ValueTask AwaitAsync(ValueTask sending, TrackedMessage message)
    {
        try
        {
            await sending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            onFailed(message, exception);
        }
    }
}
