using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace PolyChat.Testing.Probing;

/// <summary>
/// Turns what the script saw into points. Each point is decided only from what was seen; when the observation
/// does not settle it (a step not reached, an answer another behaviour hides), the point is undecided and says why.
/// </summary>
internal static partial class ProbeJudge
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static List<ProbePoint> Judge(ProbeObservations seen, IReadOnlyList<ProbeEvent> conversation, (string Frame, IReadOnlyList<string> Fields)? wrapper, int maxSockets)
    {
        var replays = new[] { seen.FullReplay, seen.AfterStartReplay, seen.MiddleReplay, seen.LastReplay, seen.BeyondReplay }
            .Where(r => r is not null).Select(r => r!).ToList();
        return
        [
            Capabilities(seen),
            HistoryBatches(replays),
            EmptyBatch(seen),
            SessionStartOnResume(seen),
            CursorBeyondEnd(seen),
            SequenceContiguity(conversation, replays),
            BatchWrapper(wrapper),
            HeartbeatEcho(seen),
            ErrorSequence(seen),
            MetadataInReplay(seen),
            StreamedReplay(seen, conversation),
            EchoBeforeAgentError(seen),
            DroppedBeforeEcho(seen),
            DuplicateClientEventId(seen),
            OversizedFrame(seen),
            ConnectionLimit(seen, maxSockets),
            SessionEnd(seen),
            EndedSessionHandshake(seen),
            ExpiredSession(),
            AbruptDrops(seen),
            ReplayShapes(seen),
        ];
    }

    private static ProbePoint Point(
        string id, string question, string answer, string observed, string forClients, IEnumerable<string>? evidence = null, Dictionary<string, string>? values = null)
    {
        values ??= [];
        return new ProbePoint
        {
            Id = id,
            Question = question,
            Answer = answer,
            Observed = observed,
            Values = values,
            Evidence = Evidence.Cap([.. (evidence ?? []).Select(Evidence.Trim)]),
            ForClients = forClients,
            Simulator = ProbeProfile.Describe(id, answer, values),
        };
    }

    private static ProbePoint NotReached(string id, string question, string step, string forClients) =>
        Point(id, question, ProbePoint.Undecided, $"The run did not reach the '{step}' step.", forClients);

    private static string N(long? value) => value?.ToString(Invariant) ?? "null";

    private static ProbePoint Capabilities(ProbeObservations seen)
    {
        const string Question = "What does SESSION_START report in its capabilities (streaming, message size limit, heartbeat interval, reconnect attempts)?";
        const string ForClients = "Take the limits from here rather than from the docs, and keep them from the first connect: a resume may not repeat SESSION_START (see session-start-on-resume).";
        if (seen.SessionStart is not { } start)
        {
            return Point(ProbePointIds.Capabilities, Question, ProbePoint.Undecided, "No SESSION_START came on the first connect.", ForClients);
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (start.Payload.ValueKind == JsonValueKind.Object && start.Payload.TryGetProperty("capabilities", out var capabilities)
            && capabilities.ValueKind == JsonValueKind.Object)
        {
            foreach (var name in (string[])["streaming", "max_message_size_bytes", "heartbeat_interval_seconds", "max_reconnect_attempts"])
            {
                if (capabilities.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                {
                    values[name] = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.ValueKind == JsonValueKind.True ? "true" : "false";
                }
            }
        }

        if (values.Count == 0)
        {
            return Point(ProbePointIds.Capabilities, Question, ProbePoint.Undecided, "SESSION_START came without any of the documented capabilities.", ForClients, [start.Describe()]);
        }

        var listed = string.Join(", ", values.Select(v => $"{v.Key} {v.Value}"));
        return Point(ProbePointIds.Capabilities, Question, "reported", $"SESSION_START reported {listed}.", ForClients, [start.Describe()], values);
    }

    private static List<string> Missing(ProbeEvent value)
    {
        string[] required = value.Type switch
        {
            "EVENT_TYPE_POLY_AGENT_MESSAGE" or "EVENT_TYPE_LIVE_AGENT_MESSAGE" => ["message_id", "text"],
            "EVENT_TYPE_POLY_AGENT_MESSAGE_CHUNK" => ["message_id", "chunk_index", "is_complete"],
            "EVENT_TYPE_USER_MESSAGE" => ["text"],
            "EVENT_TYPE_SESSION_START" => ["capabilities"],
            "EVENT_TYPE_SESSION_END" => ["reason"],
            "EVENT_TYPE_SYSTEM_MESSAGE" => ["level", "message"],
            _ => [],
        };
        var missing = new List<string>();
        if (value.Payload.ValueKind != JsonValueKind.Object)
        {
            missing.Add("payload");
            return missing;
        }

        missing.AddRange(required.Where(name => !value.PayloadHas(name)));
        if (value.Id is null)
        {
            missing.Add("id");
        }

        return missing;
    }
}
