using System.Collections.Generic;

namespace PolyChat.Testing.Probing;

/// <summary>Everything the script saw, step by step, for <see cref="ProbeJudge"/> to turn into points. A step not reached leaves its fields null.</summary>
internal sealed class ProbeObservations
{
    /// <summary>The steps that ran to their end, by name.</summary>
    public HashSet<string> StepsDone { get; } = [];

    /// <summary>The step running when the run stopped, or null.</summary>
    public string? StoppedIn { get; set; }

    public ProbeEvent? SessionStart { get; set; }

    /// <summary>The first connect's answer to its barrier (an error about an unknown type).</summary>
    public ProbeEvent? FirstError { get; set; }

    /// <summary>What followed the user message sent before the join request.</summary>
    public List<ProbeEvent>? BeforeJoin { get; set; }

    public string BeforeJoinId { get; } = "probe-before-join";

    /// <summary>What followed the join request, up to the greeting's end.</summary>
    public List<ProbeEvent>? Greeting { get; set; }

    public ProbeEvent? HeartbeatEcho { get; set; }

    /// <summary>Whether the heartbeat got no echo within the frame timeout.</summary>
    public bool HeartbeatUnanswered { get; set; }

    public string FirstMessageId { get; } = "probe-message-1";

    /// <summary>The echo of the first ordinary message (with metadata).</summary>
    public ProbeEvent? FirstEcho { get; set; }

    /// <summary>What followed the re-send of the first message (same client_event_id).</summary>
    public List<ProbeEvent>? Resend { get; set; }

    public string DroppedMessageId { get; } = "probe-message-dropped";

    /// <summary>The echo of the message whose socket was aborted, when it came after the reconnect.</summary>
    public ProbeEvent? DroppedEcho { get; set; }

    /// <summary>Whether the dropped message's step waited its whole time without an echo.</summary>
    public bool DroppedLost { get; set; }

    public ReplayObservation? FullReplay { get; set; }

    public ReplayObservation? AfterStartReplay { get; set; }

    public ReplayObservation? MiddleReplay { get; set; }

    /// <summary>The replay after the highest sequence (nothing newer), with the attempts it took.</summary>
    public ReplayObservation? LastReplay { get; set; }

    public int LastReplayAttempts { get; set; }

    public ReplayObservation? BeyondReplay { get; set; }

    /// <summary>The highest sequence known when the nothing-newer replays were read.</summary>
    public long? HighestBeforeReplays { get; set; }

    /// <summary>Every sequenced event seen anywhere, by id, for the contiguity check.</summary>
    public Dictionary<string, long> Sequences { get; } = [];

    public int OversizedBytes { get; set; }

    /// <summary>What followed the oversized frame; <see cref="OversizedEnd"/> says whether the socket ended.</summary>
    public List<ProbeEvent>? Oversized { get; set; }

    public ProbeFrame? OversizedEnd { get; set; }

    /// <summary>Whether a barrier sent after the oversized frame, on the same socket, was answered.</summary>
    public bool? OpenAfterOversized { get; set; }

    /// <summary>Sockets open at once when the limit step stopped, and the refusal that stopped it (null: the cap was reached).</summary>
    public int? SocketsAtOnce { get; set; }

    public string? LimitRefusal { get; set; }

    public int? LimitRefusalStatus { get; set; }

    public List<string> LimitEvidence { get; } = [];

    /// <summary>What followed the end request, and how the socket ended.</summary>
    public List<ProbeEvent>? End { get; set; }

    public ProbeFrame? EndClose { get; set; }

    public bool EndTimedOut { get; set; }

    /// <summary>The reconnect after the end: refused, or what the open socket received.</summary>
    public ProbeConnectResult? AfterEnd { get; set; }

    public List<string> AfterEndFrames { get; } = [];

    public ProbeFrame? AfterEndClose { get; set; }

    public List<string> Drops { get; set; } = [];
}
