using System;
using Microsoft.Extensions.Logging;

namespace PolyChat.Session.CrashChild;

/// <summary>The session's log, as <c>log</c> lines of the handled log: the parent waits for a connect or a gap repair to kill in it.</summary>
internal sealed class LogLineLogger(HandledLog log) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        log.Write("log", eventId.Id, formatter(state, exception));
}
