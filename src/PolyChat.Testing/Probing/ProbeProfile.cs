using System;
using System.Collections.Generic;
using System.Globalization;

namespace PolyChat.Testing.Probing;

/// <summary>
/// The bridge from a probe report to the simulator: which <see cref="ServerBehavior"/> or <see cref="SimulatorOptions"/>
/// setting each decided answer picks, and, for an answer the simulator cannot play, what it lacks. Undecided
/// points, and answers the simulator cannot play, leave the default.
/// </summary>
internal static class ProbeProfile
{
    /// <summary>The name of a behaviour built from a report.</summary>
    public const string Name = "probed";

    public static ServerBehavior ToBehavior(ProbeReport report)
    {
        var behavior = ServerBehavior.Default with { Name = Name };
        foreach (var point in report.Points)
        {
            behavior = (point.Id, point.Answer) switch
            {
                (ProbePointIds.HistoryBatches, "one-batch") => behavior with { SplitHistoryBatches = false },
                (ProbePointIds.HistoryBatches, "several-batches") => behavior with
                {
                    SplitHistoryBatches = true,
                    MaxBatchSize = Int(point, "largest_batch") is { } size && size >= 1 ? size : behavior.MaxBatchSize,
                },
                (ProbePointIds.EmptyBatch, "empty-batch") => behavior with { EmptyBatchWhenNothingNew = true },
                (ProbePointIds.EmptyBatch, "no-batch") => behavior with { EmptyBatchWhenNothingNew = false },
                (ProbePointIds.SessionStartOnResume, "repeated") => behavior with { RepeatSessionStartOnResume = true },
                (ProbePointIds.SessionStartOnResume, "not-repeated") => behavior with { RepeatSessionStartOnResume = false },
                (ProbePointIds.SequenceContiguity, "contiguous") => behavior with { SequenceHoleRate = 0 },
                (ProbePointIds.SequenceContiguity, "holes") => behavior with { SequenceHoleRate = ServerBehavior.SequenceHoles.SequenceHoleRate },
                (ProbePointIds.ErrorSequence, "sequenced") => behavior with { ErrorsHaveSequence = true },
                (ProbePointIds.ErrorSequence, "unsequenced") => behavior with { ErrorsHaveSequence = false },
                (ProbePointIds.SessionEnd, "session-end-then-close") => behavior with { SendSessionEndBeforeClose = true },
                (ProbePointIds.SessionEnd, "close-without-session-end") => behavior with { SendSessionEndBeforeClose = false },
                (ProbePointIds.EndedSessionHandshake, "http-404") => behavior with { UnknownSessionCloses4001 = false },
                (ProbePointIds.EndedSessionHandshake, "close-4001") => behavior with { UnknownSessionCloses4001 = true },
                (ProbePointIds.AbruptDrops, "drops-seen") => behavior with { DropRate = ServerBehavior.AbruptDrops.DropRate },
                (ProbePointIds.ReplayShapes, "lenient") => behavior with { LenientShapesInReplay = true },
                (ProbePointIds.ReplayShapes, "documented") => behavior with { LenientShapesInReplay = false },
                (ProbePointIds.OversizedFrame, "error") when Text(point, "message") is { Length: > 0 } message && Text(point, "socket_open_after") == "yes"
                    => behavior with { OversizedFrameMessage = message },
                _ => behavior,
            };
        }

        return behavior;
    }

    public static SimulatorOptions ToOptions(ProbeReport report, SimulatorOptions template)
    {
        var options = template with { Behavior = ToBehavior(report) };
        foreach (var point in report.Points)
        {
            options = (point.Id, point.Answer) switch
            {
                (ProbePointIds.DuplicateClientEventId, "processed-twice") => options with { DeduplicateByClientEventId = false },
                (ProbePointIds.DuplicateClientEventId, "first-echo-repeated") => options with { DeduplicateByClientEventId = true },
                (ProbePointIds.ConnectionLimit, "limit") when Int(point, "limit") is { } limit && limit >= 1 => options with { MaxConnectionsPerSession = limit },
                (ProbePointIds.Capabilities, "reported") => options with
                {
                    MaxMessageSizeBytes = Int(point, "max_message_size_bytes") is { } size && size >= 64 ? size : options.MaxMessageSizeBytes,
                    HeartbeatIntervalSeconds = Int(point, "heartbeat_interval_seconds") is { } beat && beat >= 1 ? beat : options.HeartbeatIntervalSeconds,
                    MaxReconnectAttempts = Int(point, "max_reconnect_attempts") is { } attempts && attempts >= 0 ? attempts : options.MaxReconnectAttempts,
                },
                _ => options,
            };
        }

        return options;
    }

    /// <summary>How the simulator plays an answer, for the report.</summary>
    public static string Describe(string id, string answer, IReadOnlyDictionary<string, string> values)
    {
        if (answer == ProbePoint.Undecided)
        {
            return id == ProbePointIds.ExpiredSession
                ? "The simulator treats an expired session (SimulatorOptions.SessionExpiry) as an ended one."
                : "Undecided: a profile from this report keeps the simulator's default.";
        }

        var lacks = "The simulator cannot play this; a profile keeps its default: ";
        return (id, answer) switch
        {
            (ProbePointIds.Capabilities, _) => "SimulatorOptions.MaxMessageSizeBytes, HeartbeatIntervalSeconds and MaxReconnectAttempts take these values.",
            (ProbePointIds.HistoryBatches, "one-batch") => "ServerBehavior.SplitHistoryBatches = false.",
            (ProbePointIds.HistoryBatches, _) => $"ServerBehavior.SplitHistoryBatches = true, MaxBatchSize = {values.GetValueOrDefault("largest_batch", "2")} (sizes drawn from 1 to it).",
            (ProbePointIds.EmptyBatch, "empty-batch") => "ServerBehavior.EmptyBatchWhenNothingNew = true.",
            (ProbePointIds.EmptyBatch, _) => "ServerBehavior.EmptyBatchWhenNothingNew = false.",
            (ProbePointIds.SessionStartOnResume, "repeated") => "ServerBehavior.RepeatSessionStartOnResume = true.",
            (ProbePointIds.SessionStartOnResume, _) => "ServerBehavior.RepeatSessionStartOnResume = false.",
            (ProbePointIds.CursorBeyondEnd, "nothing-replayed" or "session-start-only") => "As the simulator does: it replays only what is after the cursor.",
            (ProbePointIds.CursorBeyondEnd, _) => lacks + "it replays only what is after the cursor, and never refuses one.",
            (ProbePointIds.SequenceContiguity, "contiguous") => "ServerBehavior.SequenceHoleRate = 0.",
            (ProbePointIds.SequenceContiguity, _) => string.Create(CultureInfo.InvariantCulture, $"ServerBehavior.SequenceHoleRate = {ServerBehavior.SequenceHoles.SequenceHoleRate} (the sequence-holes preset's rate; a short run cannot measure the server's)."),
            (ProbePointIds.BatchWrapper, "bare") => "As the simulator does: its batch wrapper is {type, payload}.",
            (ProbePointIds.BatchWrapper, _) => lacks + "its batch wrapper is always {type, payload}.",
            (ProbePointIds.HeartbeatEchoSequence, "sequenced") => "As the simulator does: it journals heartbeat echoes.",
            (ProbePointIds.HeartbeatEchoSequence, _) => lacks + "it always echoes heartbeats with a sequence.",
            (ProbePointIds.ErrorSequence, "sequenced") => "ServerBehavior.ErrorsHaveSequence = true.",
            (ProbePointIds.ErrorSequence, _) => "ServerBehavior.ErrorsHaveSequence = false.",
            (ProbePointIds.MetadataInReplay, "kept") => "As the simulator does: its replay keeps metadata.",
            (ProbePointIds.MetadataInReplay, _) => lacks + "its replay always keeps metadata.",
            (ProbePointIds.StreamedReplay, "chunks") => "As the simulator does: it replays the chunks.",
            (ProbePointIds.StreamedReplay, _) => lacks + "it always replays the chunks.",
            (ProbePointIds.EchoBeforeAgentError, "echo-first") => "As the simulator does: the echo, then 'Error: Conversation not found'.",
            (ProbePointIds.EchoBeforeAgentError, _) => lacks + "it always echoes first.",
            (ProbePointIds.DroppedBeforeEcho, "processed") => "As the simulator does: a frame that reached it is processed.",
            (ProbePointIds.DroppedBeforeEcho, _) => lacks + "it processes every frame that reached it.",
            (ProbePointIds.DuplicateClientEventId, "processed-twice") => "SimulatorOptions.DeduplicateByClientEventId = false.",
            (ProbePointIds.DuplicateClientEventId, "first-echo-repeated") => "SimulatorOptions.DeduplicateByClientEventId = true.",
            (ProbePointIds.DuplicateClientEventId, _) => lacks + "it either processes a re-send or repeats the first echo.",
            (ProbePointIds.OversizedFrame, "error") when values.GetValueOrDefault("socket_open_after") == "yes" => $"ServerBehavior.OversizedFrameMessage = \"{values.GetValueOrDefault("message")}\".",
            (ProbePointIds.OversizedFrame, _) => lacks + "it answers an oversized frame with an error and keeps the socket open.",
            (ProbePointIds.ConnectionLimit, _) when values.GetValueOrDefault("refusal_status") is "429" => $"SimulatorOptions.MaxConnectionsPerSession = {values.GetValueOrDefault("limit")}.",
            (ProbePointIds.ConnectionLimit, _) => $"SimulatorOptions.MaxConnectionsPerSession = {values.GetValueOrDefault("limit")}; the simulator refuses with 429, not {values.GetValueOrDefault("refusal_status")}.",
            (ProbePointIds.SessionEnd, "session-end-then-close") => "ServerBehavior.SendSessionEndBeforeClose = true.",
            (ProbePointIds.SessionEnd, "close-without-session-end") => "ServerBehavior.SendSessionEndBeforeClose = false.",
            (ProbePointIds.SessionEnd, _) => lacks + "it closes with 1000 after the end, with or without SESSION_END.",
            (ProbePointIds.EndedSessionHandshake, "http-404") => "ServerBehavior.UnknownSessionCloses4001 = false.",
            (ProbePointIds.EndedSessionHandshake, "close-4001") => "ServerBehavior.UnknownSessionCloses4001 = true.",
            (ProbePointIds.EndedSessionHandshake, _) => lacks + "it answers an ended session with HTTP 404 or a 4001 close.",
            (ProbePointIds.AbruptDrops, _) => string.Create(CultureInfo.InvariantCulture, $"ServerBehavior.DropRate = {ServerBehavior.AbruptDrops.DropRate} (the abrupt-drops preset's rate; a short run cannot measure the server's)."),
            (ProbePointIds.ReplayShapes, "lenient") => "ServerBehavior.LenientShapesInReplay = true.",
            (ProbePointIds.ReplayShapes, _) => "ServerBehavior.LenientShapesInReplay = false.",
            _ => "The simulator has no setting for this point.",
        };
    }

    private static string? Text(ProbePoint point, string key) => point.Values.TryGetValue(key, out var value) ? value : null;

    private static int? Int(ProbePoint point, string key) =>
        Text(point, key) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
