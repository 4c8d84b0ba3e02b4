using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Cli.Sessions;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Storage;
using Xunit;

namespace PolyChat.Cli.Tests.Sessions;

/// <summary>
/// Three sessions written through the store API (acquire, outbox, attempts, commit, settle, release) on a fake clock,
/// and what <c>polychat sessions</c> must print for them: the same on SQLite and PostgreSQL.
/// </summary>
internal static partial class SessionsScenario
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>When the command looks: 3m05s after <see cref="Start"/>.</summary>
    public static readonly DateTimeOffset Now = Start.AddSeconds(185);

    public static async Task FillAsync(ISessionStore store, FakeTimeProvider clock)
    {
        // Ended at 10:00:00, lease released: nobody owns it.
        var ended = await store.AcquireAsync("sess-ended", "worker-0", TimeSpan.FromSeconds(30));
        await store.CommitAsync(ended.Lease!.Value, new SessionCommit { Cursor = 40, Handled = [new HandledEvent("e-40", 40)], EndReason = "REASON_USER_END" });
        await store.ReleaseAsync(ended.Lease!.Value);

        // At 10:01:00: worker-2 takes a 10 s lease, accepts a message and is never heard from again.
        clock.Advance(TimeSpan.FromMinutes(1));
        var expired = await store.AcquireAsync("sess-expired", "worker-2", TimeSpan.FromSeconds(10));
        await store.AddToOutboxAsync(expired.Lease!.Value, new OutboxEntry("c-exp", "{}", clock.GetUtcNow(), 0));

        // At 10:02:00: worker-1 (5 min lease) accepts four messages; at 10:02:05 they are tried, two settle.
        clock.Advance(TimeSpan.FromMinutes(1));
        var live = (await store.AcquireAsync("sess-live", "worker-1", TimeSpan.FromMinutes(5))).Lease!.Value;
        foreach (var id in (string[])["c-1", "c-2", "c-3", "c-4"])
        {
            await store.AddToOutboxAsync(live, new OutboxEntry(id, $$"""{"client_event_id":"{{id}}"}""", clock.GetUtcNow(), 0));
        }

        clock.Advance(TimeSpan.FromSeconds(5));
        await store.RecordAttemptAsync(live, "c-1", 1);
        await store.RecordAttemptAsync(live, "c-1", 2);
        await store.RecordAttemptAsync(live, "c-2", 1);
        await store.RecordAttemptAsync(live, "c-3", 1);
        await store.RecordAttemptAsync(live, "c-4", 3);
        await store.CommitAsync(live, new SessionCommit
        {
            Cursor = 12,
            Handled = [new HandledEvent("e-10", 10), new HandledEvent("e-11", 11), new HandledEvent("e-12", 12), new HandledEvent("typing-1", null)],
            Settled = [new SettledMessage("c-3", DeliveryStatus.Sent), new SettledMessage("c-4", DeliveryStatus.Failed)],
            Capabilities = new Capabilities { Streaming = true, MaxMessageSizeBytes = 131072, HeartbeatIntervalSeconds = 30 },
            AgentJoined = true,
            OpenChunks = [new StreamChunk("reply-1", "{}"), new StreamChunk("reply-1", "{}"), new StreamChunk("reply-2", "{}")],
        });
    }

    /// <summary>Runs the command as <c>polychat sessions</c> would, on the fake clock's <see cref="Now"/>.</summary>
    public static async Task<CliResult> RunAsync(Func<SessionsCommand, Task<int>> command)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var clock = new FakeTimeProvider(Now);
        var exitCode = await command(new SessionsCommand(output, error, clock));
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The cells of a table row: columns are two or more spaces apart, cells hold single spaces only.</summary>
    public static string[] Cells(string line) => Columns().Split(line.Trim());

    public static void AssertList(CliResult result)
    {
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        var rows = result.StdoutLines.Select(Cells).ToArray();
        Assert.Equal(
            [
                ["SESSION", "CURSOR", "OWNER", "LEASE EXPIRES", "OUTBOX", "ENDED", "UPDATED"],
                ["sess-live", "12", "worker-1", "2025-03-01 10:07:05Z (in 4m00s)", "2", "-", "2025-03-01 10:02:05Z"],
                ["sess-expired", "0", "worker-2", "2025-03-01 10:01:10Z (expired)", "1", "-", "2025-03-01 10:01:00Z"],
                ["sess-ended", "40", "none", "-", "0", "REASON_USER_END", "2025-03-01 10:00:00Z"],
            ],
            rows);
    }

    public static void AssertListJson(CliResult result)
    {
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.Equal(["sessions"], document.RootElement.EnumerateObject().Select(p => p.Name));
        var sessions = document.RootElement.GetProperty("sessions").EnumerateArray().ToArray();
        Assert.Equal(["sess-live", "sess-expired", "sess-ended"], sessions.Select(s => s.GetProperty("session_id").GetString()));
        Assert.All(sessions, s => Assert.Equal(
            ["session_id", "cursor", "owner", "lease_expires_at", "lease_expired", "outbox", "end_reason", "updated_at"],
            s.EnumerateObject().Select(p => p.Name)));

        var live = sessions[0];
        Assert.Equal(12, live.GetProperty("cursor").GetInt64());
        Assert.Equal("worker-1", live.GetProperty("owner").GetString());
        Assert.Equal(Start.AddSeconds(425), live.GetProperty("lease_expires_at").GetDateTimeOffset());
        Assert.False(live.GetProperty("lease_expired").GetBoolean());
        Assert.Equal(2, live.GetProperty("outbox").GetInt32());
        Assert.Equal(JsonValueKind.Null, live.GetProperty("end_reason").ValueKind);
        Assert.Equal(Start.AddSeconds(125), live.GetProperty("updated_at").GetDateTimeOffset());

        Assert.True(sessions[1].GetProperty("lease_expired").GetBoolean());
        Assert.Equal(1, sessions[1].GetProperty("outbox").GetInt32());

        var ended = sessions[2];
        Assert.Equal(40, ended.GetProperty("cursor").GetInt64());
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("owner").ValueKind);
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("lease_expires_at").ValueKind);
        Assert.False(ended.GetProperty("lease_expired").GetBoolean());
        Assert.Equal("REASON_USER_END", ended.GetProperty("end_reason").GetString());
    }

    public static void AssertShow(CliResult result, string storeDisplay)
    {
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        var sections = result.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n");
        Assert.Equal(3, sections.Length);

        var fields = sections[0].Split('\n').Select(line => Cells(line)).ToDictionary(cells => cells[0], cells => string.Join("  ", cells.Skip(1)));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["session"] = "sess-live",
                ["store"] = storeDisplay,
                ["cursor"] = "12",
                ["owner"] = "worker-1, lease expires 2025-03-01 10:07:05Z (in 4m00s)",
                ["agent joined"] = "yes",
                ["ended"] = "no",
                ["created"] = "2025-03-01 10:02:00Z",
                ["updated"] = "2025-03-01 10:02:05Z",
                ["capabilities"] = "streaming, max message 131072 bytes, heartbeat 30s",
                ["recent events"] = "4 (sequences 10 to 12)",
                ["open replies"] = "reply-1 (2 chunks), reply-2 (1 chunk)",
            },
            fields);

        var outbox = sections[1].Split('\n').Select(Cells).ToArray();
        Assert.Equal(
            [
                ["outbox: 2 messages awaiting an echo"],
                ["CLIENT EVENT ID", "ACCEPTED AT", "ATTEMPTS", "AGE"],
                ["c-1", "2025-03-01 10:02:00Z", "2", "1m05s"],
                ["c-2", "2025-03-01 10:02:00Z", "1", "1m05s"],
            ],
            outbox);

        var settled = sections[2].TrimEnd('\n').Split('\n').Select(Cells).ToArray();
        Assert.Equal(
            [
                ["recently settled: 2 messages, oldest first"],
                ["CLIENT EVENT ID", "STATUS"],
                ["c-3", "sent"],
                ["c-4", "failed"],
            ],
            settled);
    }

    public static void AssertShowJson(CliResult result)
    {
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        using var document = JsonDocument.Parse(result.Stdout);
        var root = document.RootElement;
        Assert.Equal(
            [
                "session_id", "cursor", "owner", "lease_expires_at", "lease_expired", "agent_joined", "end_reason", "created_at", "updated_at",
                "capabilities", "recent_events", "recent_first_sequence", "recent_last_sequence", "open_replies", "outbox", "recently_settled",
            ],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("sess-live", root.GetProperty("session_id").GetString());
        Assert.Equal(12, root.GetProperty("cursor").GetInt64());
        Assert.True(root.GetProperty("agent_joined").GetBoolean());

        // The capabilities exactly as SESSION_START carries them (the wire's names).
        var capabilities = root.GetProperty("capabilities");
        Assert.True(capabilities.GetProperty("streaming").GetBoolean());
        Assert.Equal(131072, capabilities.GetProperty("max_message_size_bytes").GetInt64());
        Assert.Equal(30, capabilities.GetProperty("heartbeat_interval_seconds").GetInt64());

        Assert.Equal(4, root.GetProperty("recent_events").GetInt32());
        Assert.Equal(10, root.GetProperty("recent_first_sequence").GetInt64());
        Assert.Equal(12, root.GetProperty("recent_last_sequence").GetInt64());
        Assert.Equal(
            [("reply-1", 2), ("reply-2", 1)],
            root.GetProperty("open_replies").EnumerateArray().Select(r => (r.GetProperty("message_id").GetString(), r.GetProperty("chunks").GetInt32())));
        Assert.Equal(
            [("c-1", Start.AddSeconds(120), 2, 65L), ("c-2", Start.AddSeconds(120), 1, 65L)],
            root.GetProperty("outbox").EnumerateArray().Select(e => (
                e.GetProperty("client_event_id").GetString(),
                e.GetProperty("accepted_at").GetDateTimeOffset(),
                e.GetProperty("attempts").GetInt32(),
                e.GetProperty("age_seconds").GetInt64())));
        Assert.Equal(
            [("c-3", "sent"), ("c-4", "failed")],
            root.GetProperty("recently_settled").EnumerateArray().Select(m => (m.GetProperty("client_event_id").GetString(), m.GetProperty("status").GetString())));
    }

    [GeneratedRegex(" {2,}")]
    private static partial Regex Columns();
}
