using System;
using System.Collections.Generic;
using PolyChat.Protocol;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Sequencing;

namespace PolyChat.Session.Simulation;

/// <summary>A broken promise: a stable kind (violations are grouped by it) and what exactly happened.</summary>
public sealed record Violation(string Kind, string Detail);

/// <summary>One connection attempt as the client saw it.</summary>
internal sealed record Attempt(TimeSpan At, int? RefusedStatus, RecordingSocket? Socket);

/// <summary>One message the app sent: when it was accepted, how it ended and when.</summary>
internal sealed class MessageRecord
{
    public required TimeSpan AcceptedAt { get; init; }

    public required TrackedMessage Tracked { get; init; }

    public TimeSpan? SettledAt { get; set; }
}

/// <summary>Everything a run observed, for the invariant checks.</summary>
internal sealed class RunRecord
{
    public List<Attempt> Attempts { get; } = [];

    public List<(TimeSpan At, string Text)> Received { get; } = [];

    public List<(TimeSpan At, string Text)> Sent { get; } = [];

    public List<(TimeSpan At, Event Event)> Seen { get; } = [];

    public List<SequenceGap> Gaps { get; } = [];

    public List<MessageRecord> Messages { get; } = [];

    public TimeSpan? ServerEndedAt { get; set; }

    public TimeSpan? DisposedAt { get; set; }

    public bool EndRequested { get; set; }

    public TimeSpan? StreamCompletedAt { get; set; }

    public Exception? StreamError { get; set; }

    public long SkippedSequences { get; set; }

    public int SessionTimerFiresAfterDispose { get; set; }
}
