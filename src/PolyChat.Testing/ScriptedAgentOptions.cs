using System;
using System.Collections.Generic;

namespace PolyChat.Testing;

/// <summary>What the scripted PolyAI agent and the simulated live agent say and when they hand off.</summary>
public sealed record ScriptedAgentOptions
{
    /// <summary>The PolyAI agent's name in <c>POLY_AGENT_JOINED</c>.</summary>
    public string AgentName { get; init; } = "Simulated Agent";

    /// <summary>The agent's avatar in <c>POLY_AGENT_JOINED</c>.</summary>
    public Uri AgentAvatarUrl { get; init; } = new("https://example.invalid/agent.png");

    /// <summary>The greeting sent after the agent joins.</summary>
    public string Greeting { get; init; } = "Hello! How can I help you today?";

    /// <summary>The prefix of every agent reply; the user's text follows it, so tests can match replies to messages.</summary>
    public string ReplyPrefix { get; init; } = "You said: ";

    /// <summary>
    /// The agent's reply to a user message's text; null (the default) replies <see cref="ReplyPrefix"/> + the text.
    /// Called under the session's lock: keep it quick and do not call back into the simulator.
    /// </summary>
    public Func<string, string>? Reply { get; init; }

    /// <summary>The suggestions attached to every agent message (on the last chunk when streaming).</summary>
    public IReadOnlyList<string> ResponseSuggestions { get; init; } = ["Talk to an agent", "That's all"];

    /// <summary>A user message containing this word (case-insensitive) starts a server-managed handoff.</summary>
    public string HandoffTriggerWord { get; init; } = "agent";

    /// <summary>A user message containing this word (case-insensitive) starts a client-managed handoff (<c>CLIENT_HANDOFF_REQUIRED</c>).</summary>
    public string ClientHandoffTriggerWord { get; init; } = "transfer";

    /// <summary>The queue named in handoff events.</summary>
    public string QueueName { get; init; } = "Simulated Queue";

    /// <summary>How many <c>HANDOFF_QUEUE_STATUS</c> events come before the live agent joins.</summary>
    public int QueueStatusCount { get; init; } = 2;

    /// <summary>The live agent's id.</summary>
    public string LiveAgentId { get; init; } = "live_agent_1";

    /// <summary>The live agent's name.</summary>
    public string LiveAgentName { get; init; } = "Sam (live)";

    /// <summary>The prefix of every live-agent reply; the user's text follows it.</summary>
    public string LiveAgentReplyPrefix { get; init; } = "Live agent heard: ";

    /// <summary>A user message equal to this word (case-insensitive, trimmed) while the live agent is present ends the conversation naturally.</summary>
    public string LiveAgentFarewellWord { get; init; } = "bye";
}
