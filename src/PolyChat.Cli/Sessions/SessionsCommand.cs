using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Storage;

namespace PolyChat.Cli.Sessions;

/// <summary>
/// <c>polychat sessions</c> and <c>polychat sessions show</c>: what a session store holds, for operators (a table) and
/// programs (<c>--json</c>). It only reads (<see cref="ReadOnlyStore"/>): a missing SQLite file is reported, not
/// created, and the store's password is never printed.
/// </summary>
internal sealed class SessionsCommand
{
    private readonly TextWriter _output;
    private readonly TextWriter _stderr;
    private readonly TimeProvider _clock;

    public SessionsCommand(TextWriter output, TextWriter stderr, TimeProvider? clock = null)
    {
        _output = output;
        _stderr = stderr;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Lists the stored sessions, most recently updated first.</summary>
    public Task<int> ListAsync(string store, bool json, CancellationToken cancellationToken) =>
        WithStoreAsync(store, async (reader, location) =>
        {
            var sessions = await reader.ListAsync(cancellationToken).ConfigureAwait(false);
            var now = _clock.GetUtcNow();
            if (json)
            {
                var list = new SessionListJson(sessions.Select(s => new SessionSummaryJson(
                    s.SessionId, s.Cursor, s.Owner, s.LeaseExpiresAt, Expired(s.LeaseExpiresAt, now), s.OutboxSize, s.EndReason, s.UpdatedAt)).ToList());
                _output.WriteLine(JsonSerializer.Serialize(list, SessionsJsonContext.Default.SessionListJson));
                return ExitCodes.Success;
            }

            if (sessions.Count == 0)
            {
                _output.WriteLine($"No sessions in {location.Display}.");
                return ExitCodes.Success;
            }

            var table = new TextTable("SESSION", ">CURSOR", "OWNER", "LEASE EXPIRES", ">OUTBOX", "ENDED", "UPDATED");
            foreach (var s in sessions)
            {
                table.Add(
                    s.SessionId,
                    Number(s.Cursor),
                    s.Owner ?? "none",
                    Lease(s.LeaseExpiresAt, now),
                    Number(s.OutboxSize),
                    s.EndReason ?? "-",
                    Instant(s.UpdatedAt));
            }

            table.Write(_output);
            return ExitCodes.Success;
        }, cancellationToken);

    /// <summary>Shows one session: cursor, capabilities, agent, recent events, open replies, outbox, recently settled.</summary>
    public Task<int> ShowAsync(string store, string sessionId, bool json, CancellationToken cancellationToken) =>
        WithStoreAsync(store, async (reader, location) =>
        {
            var session = await reader.ReadAsync(sessionId, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                _stderr.WriteLine($"polychat: no session '{sessionId}' in {location.Display} ('polychat sessions --store …' lists them).");
                return ExitCodes.SessionNotFound;
            }

            var now = _clock.GetUtcNow();
            var replies = session.OpenChunks.GroupBy(c => c.MessageId).Select(g => new OpenReplyJson(g.Key, g.Count())).ToList();
            var sequences = session.RecentEvents.Where(e => e.Sequence is not null).Select(e => e.Sequence!.Value).ToList();
            if (json)
            {
                var detail = new SessionDetailJson(
                    session.SessionId,
                    session.Cursor,
                    session.Owner,
                    session.LeaseExpiresAt,
                    Expired(session.LeaseExpiresAt, now),
                    session.AgentJoined,
                    session.EndReason,
                    session.CreatedAt,
                    session.UpdatedAt,
                    session.Capabilities is { } capabilities ? JsonSerializer.SerializeToElement(capabilities, PolyChatJsonContext.Default.Capabilities) : null,
                    session.RecentEvents.Count,
                    sequences.Count > 0 ? sequences.Min() : null,
                    sequences.Count > 0 ? sequences.Max() : null,
                    replies,
                    session.Outbox.Select(e => new OutboxEntryJson(e.ClientEventId, e.AcceptedAt, e.Attempts, (long)Math.Max(0, (now - e.AcceptedAt).TotalSeconds))).ToList(),
                    session.RecentlySettled.Select(m => new SettledMessageJson(m.ClientEventId, Status(m.Status))).ToList());
                _output.WriteLine(JsonSerializer.Serialize(detail, SessionsJsonContext.Default.SessionDetailJson));
                return ExitCodes.Success;
            }

            var fields = new List<(string Name, string Value)>
            {
                ("session", session.SessionId),
                ("store", location.Display),
                ("cursor", Number(session.Cursor)),
                ("owner", session.Owner is null ? "none" : $"{session.Owner}, lease expires {Lease(session.LeaseExpiresAt, now)}"),
                ("agent joined", session.AgentJoined ? "yes" : "no"),
                ("ended", session.EndReason ?? "no"),
                ("created", Instant(session.CreatedAt)),
                ("updated", Instant(session.UpdatedAt)),
                ("capabilities", Capabilities(session.Capabilities)),
                ("recent events", sequences.Count > 0
                    ? $"{Number(session.RecentEvents.Count)} (sequences {Number(sequences.Min())} to {Number(sequences.Max())})"
                    : Number(session.RecentEvents.Count)),
                ("open replies", replies.Count == 0
                    ? "none"
                    : string.Join(", ", replies.Select(r => $"{r.MessageId} ({Count(r.Chunks, "chunk")})"))),
            };
            var width = fields.Max(f => f.Name.Length) + 2;
            foreach (var (name, value) in fields)
            {
                _output.WriteLine(name.PadRight(width) + value);
            }

            _output.WriteLine();
            if (session.Outbox.Count == 0)
            {
                _output.WriteLine("outbox: empty");
            }
            else
            {
                _output.WriteLine($"outbox: {Count(session.Outbox.Count, "message")} awaiting an echo");
                var outbox = new TextTable("CLIENT EVENT ID", "ACCEPTED AT", ">ATTEMPTS", ">AGE");
                foreach (var entry in session.Outbox)
                {
                    outbox.Add(entry.ClientEventId, Instant(entry.AcceptedAt), Number(entry.Attempts), Age(now - entry.AcceptedAt));
                }

                outbox.Write(_output, "  ");
            }

            _output.WriteLine();
            if (session.RecentlySettled.Count == 0)
            {
                _output.WriteLine("recently settled: none");
            }
            else
            {
                _output.WriteLine($"recently settled: {Count(session.RecentlySettled.Count, "message")}, oldest first");
                var settled = new TextTable("CLIENT EVENT ID", "STATUS");
                foreach (var message in session.RecentlySettled)
                {
                    settled.Add(message.ClientEventId, Status(message.Status));
                }

                settled.Write(_output, "  ");
            }

            return ExitCodes.Success;
        }, cancellationToken);

    private async Task<int> WithStoreAsync(string store, Func<ReadOnlyStore, StoreLocation, Task<int>> body, CancellationToken cancellationToken)
    {
        StoreLocation location;
        try
        {
            location = StoreLocation.Parse(store);
        }
        catch (FormatException exception)
        {
            _stderr.WriteLine($"polychat: {exception.Message}");
            return ExitCodes.Usage;
        }

        if (location.SqliteFile is { } file)
        {
            if (Directory.Exists(file))
            {
                _stderr.WriteLine($"polychat: cannot read the SQLite store '{file}': is a directory.");
                return ExitCodes.StoreUnavailable;
            }

            if (!File.Exists(file))
            {
                _stderr.WriteLine($"polychat: no SQLite store at '{file}': no such file (nothing was created).");
                return ExitCodes.StoreUnavailable;
            }
        }

        try
        {
            await using var reader = new ReadOnlyStore(location, _clock);
            if (!await reader.HasTablesAsync(cancellationToken).ConfigureAwait(false))
            {
                _stderr.WriteLine($"polychat: {location.Display} is not a polychat session store: it has no polychat_sessions, polychat_recent, polychat_outbox and polychat_chunks tables.");
                return ExitCodes.StoreUnavailable;
            }

            return await body(reader, location).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DbException or SocketException or TimeoutException or IOException or JsonException or ArgumentException or InvalidOperationException)
        {
            _stderr.WriteLine(location.Redact($"polychat: cannot read {location.Display}: {exception.Message}"));
            return ExitCodes.StoreUnavailable;
        }
    }

    private static bool Expired(DateTimeOffset? expiresAt, DateTimeOffset now) => expiresAt is { } at && at <= now;

    private static string Lease(DateTimeOffset? expiresAt, DateTimeOffset now) => expiresAt switch
    {
        null => "-",
        { } at when at <= now => $"{Instant(at)} (expired)",
        { } at => $"{Instant(at)} (in {Age(at - now)})",
    };

    private static string Capabilities(Capabilities? capabilities)
    {
        if (capabilities is null)
        {
            return "none stored (no SESSION_START handled yet)";
        }

        var parts = new List<string>();
        if (capabilities.Streaming is { } streaming)
        {
            parts.Add(streaming ? "streaming" : "not streaming");
        }

        if (capabilities.MaxMessageSizeBytes is { } size)
        {
            parts.Add($"max message {Number(size)} bytes");
        }

        if (capabilities.MaxReconnectAttempts is { } attempts)
        {
            parts.Add($"{Number(attempts)} reconnect attempts");
        }

        if (capabilities.HeartbeatIntervalSeconds is { } heartbeat)
        {
            parts.Add($"heartbeat {Number(heartbeat)}s");
        }

        if (capabilities.AdditionalProperties is { Count: > 0 } others)
        {
            parts.Add("also " + string.Join(", ", others.Keys.Order(StringComparer.Ordinal)));
        }

        return parts.Count == 0 ? "stored, all defaults" : string.Join(", ", parts);
    }

    private static string Status(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Sent => "sent",
        DeliveryStatus.Failed => "failed",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{Number(count)} {noun}s";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A duration for people: <c>42s</c>, <c>3m07s</c>, <c>2h05m</c>, <c>4d03h</c>.</summary>
    internal static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalDays >= 1 ? $"{(long)age.TotalDays}d{age.Hours:00}h"
            : age.TotalHours >= 1 ? $"{age.Hours}h{age.Minutes:00}m"
            : age.TotalMinutes >= 1 ? $"{age.Minutes}m{age.Seconds:00}s"
            : $"{age.Seconds}s";
    }
}
