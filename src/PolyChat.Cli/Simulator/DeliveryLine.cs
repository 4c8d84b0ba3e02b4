using System;
using PolyChat.Protocol;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;

namespace PolyChat.Cli;

/// <summary>
/// A delivery update as a person watching the chat reads it: <c>sending…</c>, <c>retrying (attempt 2)</c>,
/// <c>sent (echo #11)</c>, <c>duplicate echo ignored</c>, <c>failed: &lt;reason&gt;</c>. What happened, not a
/// transition between statuses.
/// </summary>
internal static class DeliveryLine
{
    /// <summary>The whole line: which message, then what happened to it.</summary>
    public static string Format(DeliveryUpdate update) => $"{Subject(update.Message.Event)}: {Describe(update)}";

    /// <summary>What happened, without the message.</summary>
    public static string Describe(DeliveryUpdate update) => update.Kind switch
    {
        DeliveryUpdateKind.Sending when update.Attempts <= 1 => "sending…",
        DeliveryUpdateKind.Sending => $"retrying (attempt {update.Attempts})",
        DeliveryUpdateKind.AttemptFailed =>
            $"attempt {update.Attempts} did not go out ({Reason(update.Message.LastSendError?.Message)}), will retry",
        DeliveryUpdateKind.Sent => update.Message.ServerSequence is { } sequence ? $"sent (echo #{sequence})" : "sent",
        DeliveryUpdateKind.ExtraCopy => "duplicate echo ignored",
        DeliveryUpdateKind.Failed => $"failed: {Reason(update.Message.FailureReason ?? update.Message.Failure.ToString())}",
        DeliveryUpdateKind.LateEcho => update.Message.ServerSequence is { } late
            ? $"echoed after it failed (echo #{late}): the server has it after all"
            : "echoed after it failed: the server has it after all",
        _ => update.Kind.ToString(),
    };

    /// <summary>The user's text in quotes, or what the client event asks for.</summary>
    public static string Subject(Event clientEvent) => clientEvent switch
    {
        UserMessageEvent message => $"\"{message.Payload.Text}\"",
        UserEndSessionEvent => "end of session",
        RequestPolyAgentJoinEvent => "agent join request",
        HeartbeatEvent => "heartbeat",
        _ => clientEvent.Type.Value,
    };

    /// <summary>A final status in one word, as the summary line lists them.</summary>
    public static string Word(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Sent => "sent",
        DeliveryStatus.Failed => "failed",
        _ => "sending",
    };

    private static string Reason(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "no reason given" : text.Trim().TrimEnd('.');
}
