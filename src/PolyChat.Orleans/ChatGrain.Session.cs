using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Storage;

namespace PolyChat.Orleans;

// Starting the chat's stored session, and starting it again when it stops without PolyAI having ended the chat.
internal sealed partial class ChatGrain
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    private PolyChatSession? _session;

    // Completes with the running session; senders wait on it while the session starts.
    private TaskCompletionSource<PolyChatSession> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Messages that an earlier owner gave up on: repeated under their id, they are answered, not sent again.
    private HashSet<string> _failedBefore = new(StringComparer.Ordinal);

    private async Task RunAsync(CancellationToken stopping)
    {
        var delay = FirstRetryDelay;
        try
        {
            while (true)
            {
                var session = await StartAsync(stopping);
                if (session is null)
                {
                    return;
                }

                try
                {
                    await DeliverAsync(session, stopping);
                    Finish("its events ended with the session");
                    return;
                }
                catch (Exception exception) when (IsLeaseLost(exception))
                {
                    // Another owner holds the chat now (this silo was taken for dead): it must not drive it any longer.
                    ChatLog.LeaseLost(_logger, _chatId, _owner);
                    DeactivateOnIdle();
                    return;
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested)
                {
                    // Reconnecting failed too often, or the server refused the session: start again with the stored
                    // cursor; a chat the server no longer knows is found ended by the start itself.
                    ChatLog.SessionStopped(_logger, exception, _chatId);
                    _session = null;
                    _ready = new TaskCompletionSource<PolyChatSession>(TaskCreationOptions.RunContinuationsAsynchronously);
                    await session.DisposeAsync();
                    await Task.Delay(delay, stopping);
                    delay = NextDelay(delay);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The activation is leaving.
        }
    }

    /// <summary>
    /// Connects the chat's session, retrying while the lease of a dead owner runs and while connecting fails; null when
    /// the chat has ended (its end was handled, or the server no longer knows it).
    /// </summary>
    private async Task<PolyChatSession?> StartAsync(CancellationToken stopping)
    {
        var storage = new StorageOptions { Store = _options.Store!, Owner = _owner, LeaseDuration = _options.LeaseDuration };
        var delay = FirstRetryDelay;
        while (true)
        {
            stopping.ThrowIfCancellationRequested();
            try
            {
                var options = await _options.SessionOptions!(_chatId, storage, stopping);
                if (options.SessionId != _chatId || !ReferenceEquals(options.Storage, storage))
                {
                    throw new InvalidOperationException(
                        $"{nameof(ChatHostOptions)}.{nameof(ChatHostOptions.SessionOptions)} must return the chat's session id and the storage options it was given.");
                }

                var session = await PolyChatSession.ConnectAsync(options, stopping);
                try
                {
                    // Read under this owner's lease: no earlier owner can settle anything any more.
                    var stored = await storage.Store.ReadAsync(_chatId, stopping);
                    _failedBefore = stored?.RecentlySettled.Where(s => s.Status == DeliveryStatus.Failed).Select(s => s.ClientEventId)
                        .ToHashSet(StringComparer.Ordinal) ?? new HashSet<string>(StringComparer.Ordinal);
                }
                catch
                {
                    await session.DisposeAsync();
                    throw;
                }

                _session = session;
                _ready.TrySetResult(session);
                ChatLog.Started(_logger, _chatId, _owner);
                return session;
            }
            catch (SessionClosedException exception)
            {
                if (await HasEndedAsync(storage.Store, stopping))
                {
                    Finish(exception.Message);
                    return null;
                }

                ChatLog.StartFailed(_logger, exception, _chatId, delay);
                await Task.Delay(delay, stopping);
                delay = NextDelay(delay);
            }
            catch (PolyChatApiException exception) when (exception.StatusCode is HttpStatusCode.NotFound)
            {
                Finish($"the server no longer knows the session ({exception.Message})");
                return null;
            }
            catch (SessionLeaseException exception) when (exception.Failure == SessionLeaseFailure.Owned)
            {
                // The owner before this one may be dead (its silo killed): its lease runs out by itself.
                ChatLog.WaitingForLease(_logger, _chatId, exception.Owner, exception.ExpiresAt, _owner);
                var left = exception.ExpiresAt is { } expiresAt ? expiresAt - DateTimeOffset.UtcNow : _options.LeaseDuration;
                var wait = left < FirstRetryDelay ? FirstRetryDelay : left > _options.LeaseDuration ? _options.LeaseDuration : left;
                await Task.Delay(wait + FirstRetryDelay, stopping);
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested)
            {
                // A failure here must not fail the activation for good: the chat would stay unowned until called again.
                ChatLog.StartFailed(_logger, exception, _chatId, delay);
                await Task.Delay(delay, stopping);
                delay = NextDelay(delay);
            }
        }
    }

    /// <summary>
    /// Whether the store holds the chat's end as handled. A session that could not make its first connection (PolyAI
    /// unreachable for longer than its reconnect budget) closes too, but that chat goes on: its start is retried.
    /// </summary>
    private async Task<bool> HasEndedAsync(ISessionStore store, CancellationToken stopping)
    {
        try
        {
            return (await store.ReadAsync(_chatId, stopping))?.EndReason is not null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return false;
        }
    }

    private TimeSpan NextDelay(TimeSpan delay) =>
        delay * 2 > _options.MaxStartRetryDelay ? _options.MaxStartRetryDelay : delay * 2;

    private static bool IsLeaseLost(Exception exception) =>
        exception is SessionLeaseException { Failure: SessionLeaseFailure.Lost }
        || exception.InnerException is SessionLeaseException { Failure: SessionLeaseFailure.Lost };
}
