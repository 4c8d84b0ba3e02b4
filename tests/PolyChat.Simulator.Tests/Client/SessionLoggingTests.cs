using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Events;
using PolyChat.Simulator.Tests.Support;
using Xunit;

namespace PolyChat.Simulator.Tests.Client;

public sealed class SessionLoggingTests
{
    [Fact]
    public async Task ConnectionsAndReconnectsAreLoggedWithoutTheToken()
    {
        var faults = new FaultOptions { Seed = 3, DropConnection = 0.2 };
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { Faults = faults }, timeoutSeconds: 30);
        var rest = new PolyChatRestClient(harness.Http, harness.Simulator.BaseAddress);
        var token = await rest.GetAccessTokenAsync(SimulatorHarness.ConnectorToken, SimulatorHarness.Host, harness.Token);
        var sessionId = await rest.CreateSessionAsync(token, cancellationToken: harness.Token);
        var logger = new CapturingLogger();
        await using var session = await PolyChatSession.ConnectAsync(
            new SessionOptions
            {
                WebSocketAddress = harness.Simulator.WebSocketAddress,
                SessionId = sessionId,
                AccessToken = token,
                Logger = logger,
                MaxReconnectAttempts = 20,
                InitialReconnectDelay = TimeSpan.FromMilliseconds(20),
                MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
            },
            harness.Token);

        var replies = 0;
        await foreach (var value in session.ReadEventsAsync(harness.Token))
        {
            if (value is PolyAgentMessageEvent && ++replies < 4)
            {
                await session.SendMessageAsync($"message {replies}");
            }
            else if (replies >= 4)
            {
                break;
            }
        }

        var lines = logger.Lines.ToList();
        Assert.Contains(lines, l => l.StartsWith("Information: Connected to session " + sessionId, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("reconnect attempt", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain(token.Value, l, StringComparison.Ordinal));
    }

    private sealed class CapturingLogger : ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }
}
