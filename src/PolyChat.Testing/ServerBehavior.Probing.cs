using System;
using PolyChat.Testing.Probing;

namespace PolyChat.Testing;

/// <summary>A behaviour built from what a probe saw of a real server.</summary>
public sealed partial record ServerBehavior
{
    /// <summary>
    /// The behaviour a probed server showed (<see cref="ServerProbe"/>), named <c>probed</c>: every point the report
    /// decided and the simulator can play sets its knob; undecided points, and answers the simulator cannot play,
    /// keep the default. <see cref="ProbeReport.ToSimulatorOptions"/> also carries the points that live on
    /// <see cref="SimulatorOptions"/> (deduplication, connection limit, capabilities).
    /// </summary>
    /// <param name="json">A report's JSON (<see cref="ProbeReport.ToJson"/>).</param>
    /// <returns>The behaviour.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="System.Text.Json.JsonException">The text is not a probe report.</exception>
    public static ServerBehavior FromProbeReport(string json) => FromProbeReport(ProbeReport.FromJson(json));

    /// <summary>The behaviour a probed server showed; see <see cref="FromProbeReport(string)"/>.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The behaviour.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static ServerBehavior FromProbeReport(ProbeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return ProbeProfile.ToBehavior(report);
    }
}
