using System;
using Microsoft.Extensions.Logging;
using Orleans;

namespace PolyChat.Orleans;

/// <summary>What a chat's owner logs: the chat, its owner and why; never an access token.</summary>
internal static partial class ChatLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Chat {ChatId} started by {Owner}")]
    public static partial void Started(ILogger logger, string chatId, string owner);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Chat {ChatId}: waiting for the lease held by {Holder} until {ExpiresAt:O} (its silo may have died) before {Owner} takes it over")]
    public static partial void WaitingForLease(ILogger logger, string chatId, string? holder, DateTimeOffset? expiresAt, string owner);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Chat {ChatId}: starting its session failed; trying again in {Delay}")]
    public static partial void StartFailed(ILogger logger, Exception exception, string chatId, TimeSpan delay);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Chat {ChatId} ended: {Reason}")]
    public static partial void Ended(ILogger logger, string chatId, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Chat {ChatId}: its session stopped; starting it again")]
    public static partial void SessionStopped(ILogger logger, Exception exception, string chatId);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Chat {ChatId}: another owner took the chat over; {Owner} lets it go")]
    public static partial void LeaseLost(ILogger logger, string chatId, string owner);

    [LoggerMessage(EventId = 107, Level = LogLevel.Debug, Message = "Chat {ChatId}: its observer could not take event {EventId}; offered again on the next subscription or tick")]
    public static partial void ObserverUnreachable(ILogger logger, Exception exception, string chatId, string eventId);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Chat {ChatId} leaves {Owner} ({Reason})")]
    public static partial void Leaving(ILogger logger, string chatId, string owner, DeactivationReasonCode reason);
}
