using System.Diagnostics.Metrics;

namespace PolyChat.Protocol.Client;

/// <summary>
/// The <c>PolyChat.Protocol</c> meter: duplicates, rejected frames, gaps, abandoned streams, reconnects, retries
/// and echo latency of every session,
/// for <c>dotnet-counters</c> or any OpenTelemetry exporter.
/// </summary>
internal static class SessionMetrics
{
    public const string MeterName = "PolyChat.Protocol";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> DuplicatesDropped = Meter.CreateCounter<long>("polychat.events.duplicates", description: "Inbound events dropped as duplicates.");

    public static readonly Counter<long> FramesRejected = Meter.CreateCounter<long>("polychat.frames.rejected", description: "Inbound frames dropped as malformed, oversized or binary.");

    public static readonly Counter<long> MessagesAbandoned = Meter.CreateCounter<long>("polychat.messages.abandoned", description: "Streamed replies given up before their last chunk.");

    public static readonly Counter<long> GapsDeclared = Meter.CreateCounter<long>("polychat.events.gaps", description: "Sequence gaps given up on.");

    public static readonly Counter<long> SequencesSkipped = Meter.CreateCounter<long>("polychat.events.skipped_sequences", description: "Sequence numbers a complete replay showed the server never assigned; not lost events.");

    public static readonly Counter<long> ExtraCopies = Meter.CreateCounter<long>("polychat.session.extra_copies", description: "Echoes of a message already echoed (a retry the server kept too), hidden from the application.");

    public static readonly Counter<long> Reconnects = Meter.CreateCounter<long>("polychat.session.reconnects", description: "Reconnections after a dropped socket.");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("polychat.messages.retries", description: "Outbound sends retried for lack of an echo.");

    public static readonly Histogram<double> EchoLatency = Meter.CreateHistogram<double>("polychat.messages.echo_latency", unit: "ms", description: "Time from sending a message to its echo.");
}
