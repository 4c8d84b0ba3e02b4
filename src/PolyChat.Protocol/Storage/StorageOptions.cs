using System;

namespace PolyChat.Protocol.Storage;

/// <summary>
/// Makes a session durable (<see cref="Client.SessionOptions.Storage"/>): its cursor, recent ids, capabilities, open
/// streamed reply and outbox live in <see cref="Store"/>, and a process that starts with the same session id carries
/// on where the last one stopped.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>Where the session's state is kept.</summary>
    public required ISessionStore Store { get; init => field = OptionRules.NotNull(value); }

    /// <summary>
    /// Who drives the session, as the lease records it. A process that restarts under the same owner takes the session
    /// over at once; under another, it waits until the old lease expires. Default: the machine name and process id
    /// (so a restarted process waits out <see cref="LeaseDuration"/>); give each worker a stable name to resume at once.
    /// </summary>
    public string Owner { get; init => field = string.IsNullOrEmpty(value) ? throw new ArgumentException("The owner must not be empty.", nameof(Owner)) : value; }
        = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>
    /// How long the lease lasts without a write or renewal (it is renewed every third of it). Another owner can take the
    /// session this long after this process dies. Default 15 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; init => field = OptionRules.Positive(value, TimeSpan.FromDays(1)); } = TimeSpan.FromSeconds(15);

    /// <summary>How many of the most recent handled events' ids are kept to drop replayed copies. Default 256.</summary>
    public int RecentEvents { get; init => field = OptionRules.InRange(value, 1, 65536); } = 256;
}
