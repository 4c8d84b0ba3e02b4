using System;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Storage;

namespace PolyChat.Orleans;

/// <summary>How a silo hosts chats (<see cref="ChatSiloBuilderExtensions.AddPolyChatSessions"/>).</summary>
public sealed class ChatHostOptions
{
    /// <summary>The durable session store every silo of the cluster shares (e.g. PostgreSQL). Required.</summary>
    public ISessionStore? Store { get; set; }

    /// <summary>
    /// Gives the options a chat's session connects with, each time an owner starts it: the WebSocket address and a fresh
    /// access token (tokens are never stored), and any tuning. It receives the chat's session id and the
    /// <see cref="StorageOptions"/> the chat made for this owner, which it must put in <see cref="SessionOptions.Storage"/>
    /// as they are. Required.
    /// </summary>
    public Func<string, StorageOptions, CancellationToken, ValueTask<SessionOptions>>? SessionOptions { get; set; }

    /// <summary>
    /// The lease of each chat's owner in the store (<see cref="StorageOptions.LeaseDuration"/>): after its silo dies, a
    /// chat waits this long at most before another silo takes it over. Default 15 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The period of each live chat's grain timer, which keeps the activation in memory while PolyAI has not ended the
    /// chat (so its heartbeat and retry schedule go on while nobody calls it) and offers again an event its observer
    /// could not be reached for. Default 5 seconds.
    /// </summary>
    public TimeSpan KeepAlivePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a delivered event may go unacknowledged before the chat offers it again to its observer (an application
    /// that lost it without failing the call). Default 60 seconds.
    /// </summary>
    public TimeSpan AcknowledgementTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest wait between two attempts to start a chat's session that failed (the first waits 100 ms, then doubling). Default 5 seconds.</summary>
    public TimeSpan MaxStartRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the options once, when the silo starts.</summary>
    internal void Validate()
    {
        if (Store is null)
        {
            throw new InvalidOperationException($"{nameof(ChatHostOptions)}.{nameof(Store)} is required: the chats' durable session store.");
        }

        if (SessionOptions is null)
        {
            throw new InvalidOperationException($"{nameof(ChatHostOptions)}.{nameof(SessionOptions)} is required: where and how a chat's session connects.");
        }

        foreach (var (name, value) in (ReadOnlySpan<(string, TimeSpan)>)[
            (nameof(LeaseDuration), LeaseDuration), (nameof(KeepAlivePeriod), KeepAlivePeriod),
            (nameof(AcknowledgementTimeout), AcknowledgementTimeout), (nameof(MaxStartRetryDelay), MaxStartRetryDelay)])
        {
            if (value <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"{nameof(ChatHostOptions)}.{name} must be positive.");
            }
        }
    }
}
