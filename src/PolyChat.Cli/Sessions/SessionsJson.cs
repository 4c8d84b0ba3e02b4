using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PolyChat.Cli.Sessions;

/// <summary><c>polychat sessions --json</c>: every stored session, most recently updated first.</summary>
internal sealed record SessionListJson(IReadOnlyList<SessionSummaryJson> Sessions);

/// <summary>One stored session in <see cref="SessionListJson"/>.</summary>
internal sealed record SessionSummaryJson(
    string SessionId,
    long Cursor,
    string? Owner,
    DateTimeOffset? LeaseExpiresAt,
    bool LeaseExpired,
    int Outbox,
    string? EndReason,
    DateTimeOffset UpdatedAt);

/// <summary><c>polychat sessions show --json</c>: one session's stored state.</summary>
internal sealed record SessionDetailJson(
    string SessionId,
    long Cursor,
    string? Owner,
    DateTimeOffset? LeaseExpiresAt,
    bool LeaseExpired,
    bool AgentJoined,
    string? EndReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    JsonElement? Capabilities,
    int RecentEvents,
    long? RecentFirstSequence,
    long? RecentLastSequence,
    IReadOnlyList<OpenReplyJson> OpenReplies,
    IReadOnlyList<OutboxEntryJson> Outbox,
    IReadOnlyList<SettledMessageJson> RecentlySettled);

/// <summary>A streamed reply still open: how many of its chunks were handled.</summary>
internal sealed record OpenReplyJson(string MessageId, int Chunks);

/// <summary>A message in the outbox: accepted, not yet settled.</summary>
internal sealed record OutboxEntryJson(string ClientEventId, DateTimeOffset AcceptedAt, int Attempts, long AgeSeconds);

/// <summary>A message that settled recently: <c>sent</c> or <c>failed</c>.</summary>
internal sealed record SettledMessageJson(string ClientEventId, string Status);

/// <summary>The source-generated (reflection-free, Native AOT safe) serializers of <c>polychat sessions --json</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(SessionListJson))]
[JsonSerializable(typeof(SessionDetailJson))]
internal sealed partial class SessionsJsonContext : JsonSerializerContext
{
}
