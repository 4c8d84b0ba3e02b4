using System;
using System.Collections.Generic;
using System.Text.Json;

namespace PolyChat.Testing.Probing;

/// <summary>
/// The outcome of a <see cref="ServerProbe"/> run: one <see cref="ProbePoint"/> per open point of the protocol,
/// with what was seen and what it means. <see cref="ToMarkdown"/> is for people, <see cref="ToJson"/> for programs
/// (and for <see cref="ServerBehavior.FromProbeReport(string)"/>). It never holds the connector token or the access token.
/// </summary>
public sealed record ProbeReport
{
    /// <summary>The version of the JSON layout.</summary>
    public const int CurrentFormat = 1;

    /// <summary>The JSON layout's version (<see cref="CurrentFormat"/>).</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The REST base address probed (no query, no secrets).</summary>
    public required string RestAddress { get; init; }

    /// <summary>The WebSocket address probed (no query, no secrets).</summary>
    public required string WebSocketAddress { get; init; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>The session the probe created, when it got that far.</summary>
    public string? SessionId { get; init; }

    /// <summary>Whether every step ran; false when the time limit or a failure stopped the run (see <see cref="StoppedBecause"/>).</summary>
    public bool Completed { get; init; }

    /// <summary>Why the run stopped early, or null.</summary>
    public string? StoppedBecause { get; init; }

    /// <summary>Whether the probe's session was ended (by the script's end step or by the clean-up).</summary>
    public bool SessionEnded { get; init; }

    /// <summary>What the run sent.</summary>
    public ProbeCost Cost { get; init; } = new();

    /// <summary>The points, in <see cref="ProbePointIds.All"/> order.</summary>
    public IReadOnlyList<ProbePoint> Points { get; init; } = [];

    /// <summary>The point with this id, or null.</summary>
    /// <param name="id">A <see cref="ProbePointIds"/> value.</param>
    /// <returns>The point.</returns>
    public ProbePoint? Find(string id)
    {
        foreach (var point in Points)
        {
            if (point.Id == id)
            {
                return point;
            }
        }

        return null;
    }

    /// <summary>The report as indented JSON (snake_case names).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ProbeJsonContext.Default.ProbeReport);

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="JsonException">The text is not a probe report, or its format is newer than this library reads.</exception>
    public static ProbeReport FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var report = JsonSerializer.Deserialize(json, ProbeJsonContext.Default.ProbeReport)
            ?? throw new JsonException("The JSON is null, not a probe report.");
        if (report.Format > CurrentFormat || report.Format < 1)
        {
            throw new JsonException($"Probe report format {report.Format} is not supported (this library reads format {CurrentFormat}).");
        }

        return report;
    }

    /// <summary>
    /// Simulator options that behave as the probed server did: <paramref name="template"/> with the
    /// <see cref="ServerBehavior.FromProbeReport(ProbeReport)"/> behaviour, and the decided points that are options
    /// (<see cref="SimulatorOptions.DeduplicateByClientEventId"/>, <see cref="SimulatorOptions.MaxConnectionsPerSession"/>,
    /// the capabilities' limits). Undecided points keep the template's values.
    /// </summary>
    /// <param name="template">The options to start from; null starts from the defaults.</param>
    /// <returns>The options.</returns>
    public SimulatorOptions ToSimulatorOptions(SimulatorOptions? template = null) => ProbeProfile.ToOptions(this, template ?? new SimulatorOptions());

    /// <summary>The report as Markdown: a summary table, then each point with its evidence.</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown() => ProbeMarkdown.Write(this);
}
