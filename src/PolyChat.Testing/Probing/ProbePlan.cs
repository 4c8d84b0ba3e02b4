using System;
using System.Collections.Generic;
using System.Globalization;

namespace PolyChat.Testing.Probing;

/// <summary>What a <see cref="ServerProbe"/> run does and costs, to tell a user before it starts.</summary>
public static class ProbePlan
{
    /// <summary>The user messages a run sends at most (each may get an agent reply): one before the join, one ordinary, the same again, one dropped before its echo.</summary>
    public const int UserMessages = 4;

    /// <summary>The join requests a run sends (the agent's greeting).</summary>
    public const int JoinRequests = 1;

    /// <summary>The most WebSocket handshakes a run makes with these options.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The count: the conversation and its reconnect, up to seven replays, the limit search and the reconnect after the end.</returns>
    public static int MostSockets(ProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return 2 + 7 + options.MaxSockets + 1;
    }

    /// <summary>The plan in a few lines, for a confirmation prompt.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The lines.</returns>
    public static IReadOnlyList<string> Describe(ProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var invariant = CultureInfo.InvariantCulture;
        return
        [
            string.Create(invariant, $"The probe holds a real conversation with the agent behind {options.Host} at {options.BaseAddress}:"),
            string.Create(invariant, $"  - one new session (streaming {(options.Streaming ? "on" : "off")}), ended when the probe stops;"),
            string.Create(invariant, $"  - {JoinRequests} join request and up to {UserMessages} user messages, so up to {JoinRequests + UserMessages} agent replies"),
            "    (one message before the join, one ordinary, the same one re-sent with its client_event_id, one whose socket is dropped before its echo);",
            "  - a heartbeat, a few frames of an unknown type (each answered with an error) and one frame just over the size limit (about 129 KB);",
            string.Create(invariant, $"  - up to {MostSockets(options)} WebSocket connections, at most {options.MaxSockets} open at once (the docs allow 10 per session);"),
            string.Create(invariant, $"  - at most {options.Timeout.TotalSeconds:0} s in all. The conversation shows in your PolyAI analytics like any other."),
        ];
    }
}
