using System.Globalization;
using System.Linq;
using System.Text;

namespace PolyChat.Testing.Probing;

/// <summary>Writes a <see cref="ProbeReport"/> as Markdown.</summary>
internal static class ProbeMarkdown
{
    public static string Write(ProbeReport report)
    {
        var text = new StringBuilder();
        text.Append("# PolyAI Messaging server probe\n\n");
        text.Append(CultureInfo.InvariantCulture, $"- Server: {report.RestAddress} (WebSocket {report.WebSocketAddress})\n");
        text.Append(CultureInfo.InvariantCulture, $"- Started: {report.StartedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Session: {report.SessionId ?? "(none created)"}; ended by the probe: {(report.SessionEnded ? "yes" : "no")}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Run: {(report.Completed ? "complete" : "stopped early: " + report.StoppedBecause)}\n");
        var cost = report.Cost;
        text.Append(CultureInfo.InvariantCulture,
            $"- Sent: {cost.UserMessages} user messages, {cost.JoinRequests} join request(s), {cost.FramesSent} frames in all; {cost.SocketsOpened} sockets opened, at most {cost.MostSocketsAtOnce} at once\n");
        var decided = report.Points.Count(p => p.IsDecided);
        text.Append(CultureInfo.InvariantCulture, $"- Points decided: {decided} of {report.Points.Count}\n\n");

        text.Append("| point | answer | observed |\n|---|---|---|\n");
        foreach (var point in report.Points)
        {
            text.Append(CultureInfo.InvariantCulture, $"| [{point.Id}](#{point.Id}) | `{point.Answer}` | {Cell(point.Observed)} |\n");
        }

        foreach (var point in report.Points)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n## {point.Id}\n\n");
            text.Append(CultureInfo.InvariantCulture, $"**Question.** {point.Question}\n\n");
            text.Append(CultureInfo.InvariantCulture, $"**Answer: `{point.Answer}`.** {point.Observed}\n\n");
            if (point.Values.Count > 0)
            {
                text.Append("Values: ")
                    .AppendJoin(", ", point.Values.OrderBy(v => v.Key, System.StringComparer.Ordinal).Select(v => $"`{v.Key}` = `{v.Value}`"))
                    .Append("\n\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"**For a client.** {point.ForClients}\n\n");
            text.Append(CultureInfo.InvariantCulture, $"**Simulator.** {point.Simulator}\n");
            if (point.Evidence.Count > 0)
            {
                text.Append("\nEvidence:\n\n```text\n");
                foreach (var line in point.Evidence)
                {
                    text.Append(line.Replace("```", "'''", System.StringComparison.Ordinal)).Append('\n');
                }

                text.Append("```\n");
            }
        }

        return text.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", System.StringComparison.Ordinal).Replace('\n', ' ');
}
