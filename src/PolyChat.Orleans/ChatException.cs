using System;
using Orleans;

namespace PolyChat.Orleans;

/// <summary>
/// A chat refused a call. The library's own exceptions never cross the cluster (Orleans could not serialize them):
/// the chat turns them into this one, with their message.
/// </summary>
[GenerateSerializer, Alias("PolyChat.Orleans.ChatException")]
public sealed class ChatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused and why.</param>
    /// <param name="canRetry">Whether repeating the call may succeed (the chat is moving to another silo).</param>
    public ChatException(string message, bool canRetry)
        : base(message)
    {
        CanRetry = canRetry;
    }

    /// <summary>
    /// Whether repeating the same call may succeed: the chat is moving to another silo (its owner is stopping) or
    /// still starting. False when it cannot: the chat ended, or the call itself is invalid.
    /// </summary>
    [Id(0)]
    public bool CanRetry { get; init; }
}
