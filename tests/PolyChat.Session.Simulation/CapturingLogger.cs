using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace PolyChat.Session.Simulation;

/// <summary>Keeps every log line the session writes (message and exception), for the token check and the trace.</summary>
internal sealed class CapturingLogger(Trace trace) : ILogger
{
    private readonly List<(EventId Id, string Line)> _lines = [];

    public IReadOnlyList<(EventId Id, string Line)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = formatter(state, exception) + (exception is null ? string.Empty : " | " + exception);
        lock (_lines)
        {
            _lines.Add((eventId, line));
        }

        trace.Add("log", $"[{logLevel}] {line}");
    }
}
