using System.Threading;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// A synchronization context (a UI thread's, say) that counts what is posted to it and never runs it: a continuation
/// that captured it would show up here and never run.
/// </summary>
internal sealed class PostRecordingContext : SynchronizationContext
{
    private int _posted;

    public int Posted => Volatile.Read(ref _posted);

    public override void Post(SendOrPostCallback d, object? state) => Interlocked.Increment(ref _posted);

    /// <summary>Runs <paramref name="action"/> with this context as the current one.</summary>
    public T Run<T>(System.Func<T> action)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            return action();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> with no synchronization context, as on a socket's own thread: continuations that
    /// did not capture one then run inline (under a test framework's context they are sent to the thread pool).
    /// </summary>
    public static void RunWithoutContext(System.Action action)
    {
        var previous = Current;
        SetSynchronizationContext(null);
        try
        {
            action();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
