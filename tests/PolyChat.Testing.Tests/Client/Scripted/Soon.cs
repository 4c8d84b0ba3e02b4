using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;

namespace PolyChat.Testing.Tests.Client.Scripted;

/// <summary>
/// Waits for the regression tests: like <see cref="Waits"/>, but each gives up after 10 s of real time, so a test
/// that would hang on a broken session fails quickly instead.
/// </summary>
internal static class Soon
{
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(10);

    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> after 10 s.</summary>
    public static Task UntilAsync(Func<bool> condition, string what) => Waits.UntilAsync(condition, what, Cap);

    /// <summary>Waits for <paramref name="task"/>; throws <see cref="TimeoutException"/> naming it after 10 s.</summary>
    public static async Task<T> Within<T>(Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Cap);
        }
        catch (TimeoutException exception) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Gave up after {Cap.TotalSeconds} s waiting for: {what}", exception);
        }
    }

    /// <summary>Waits for <paramref name="task"/>; throws <see cref="TimeoutException"/> naming it after 10 s.</summary>
    public static async Task Within(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Cap);
        }
        catch (TimeoutException exception) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Gave up after {Cap.TotalSeconds} s waiting for: {what}", exception);
        }
    }

    /// <summary>
    /// Moves <paramref name="clock"/> forward in <paramref name="step"/>s until <paramref name="condition"/> holds,
    /// yielding between steps; fails after 10 s of real time or once fake time passed <paramref name="limit"/>.
    /// </summary>
    public static Task AdvanceUntilAsync(FakeTimeProvider clock, TimeSpan step, Func<bool> condition, string what, TimeSpan limit) =>
        Waits.AdvanceUntilAsync(clock, step, condition, what, limit, Cap);

    /// <summary>Moves <paramref name="clock"/> forward by <paramref name="total"/> in <paramref name="step"/>s, yielding between steps.</summary>
    public static async Task AdvanceAsync(FakeTimeProvider clock, TimeSpan total, TimeSpan step)
    {
        var end = clock.GetUtcNow() + total;
        while (clock.GetUtcNow() < end)
        {
            var left = end - clock.GetUtcNow();
            clock.Advance(left < step ? left : step);
            await Task.Delay(2);
        }
    }

    /// <summary>
    /// Echoes every HEARTBEAT the client sends on <paramref name="connection"/> (§2, §5f: the server echoes each
    /// one), as a transient frame with a null sequence, until the client goes away. Runs in the background.
    /// </summary>
    public static Task EchoHeartbeatsAsync(ScriptedConnection connection) => Task.Run(async () =>
    {
        var echoed = 0;
        while (!connection.ClientDone.IsCompleted)
        {
            var seen = connection.ReceivedTypes.Count(type => type == "EVENT_TYPE_HEARTBEAT");
            for (; echoed < seen; echoed++)
            {
                try
                {
                    await connection.SendAsync(HeartbeatEcho(connection.Index, echoed));
                }
                catch (Exception)
                {
                    return;
                }
            }

            await Task.Delay(5);
        }
    });

    /// <summary>The server's echo of a client HEARTBEAT: not a batch, so it ends the history (§4a).</summary>
    public static string HeartbeatEcho(int connection, int n) =>
        "{\"id\":\"" + ServerFrames.Id(90_000 + n, 0x0b00 + connection) + "\",\"sequence\":null,\"timestamp\":\"2026-05-20T09:18:11Z\",\"type\":\"EVENT_TYPE_HEARTBEAT\",\"payload\":{}}";

    /// <summary>
    /// Disposes <paramref name="inner"/> at the end of a test, bounded to 10 s and without throwing, so a session whose
    /// DisposeAsync throws (or hangs) does not hide the assertion that failed first; tests that care assert on
    /// DisposeAsync themselves.
    /// </summary>
    public static IAsyncDisposable Quietly(IAsyncDisposable inner) => new QuietDisposal(inner);

    private sealed class QuietDisposal(IAsyncDisposable inner) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync().AsTask().WaitAsync(Cap);
            }
            catch (Exception)
            {
                // Asserted by the test where it matters.
            }
        }
    }
}
