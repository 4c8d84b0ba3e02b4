using System;
using System.Collections.Generic;
using System.Text;

namespace PolyChat.Session.Simulation;

/// <summary>One run's readable history: frames both ways, connections, app actions and server levers, with virtual times.</summary>
public sealed class Trace
{
    private readonly List<string> _lines = [];
    private readonly VirtualClock _clock;

    public Trace(VirtualClock clock) => _clock = clock;

    public void Add(string who, string what)
    {
        var line = FormattableString.Invariant($"{_clock.Elapsed.TotalSeconds,9:F3}s {who,-6} {what}");
        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        lock (_lines)
        {
            foreach (var line in _lines)
            {
                text.AppendLine(line.Length > 400 ? line[..400] + "…" : line);
            }
        }

        return text.ToString();
    }
}
