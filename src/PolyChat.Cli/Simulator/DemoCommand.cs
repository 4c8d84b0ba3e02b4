using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Testing;

namespace PolyChat.Cli;

/// <summary>
/// <c>polychat demo</c>: a scripted conversation through <see cref="PolyChatSession"/> against an embedded
/// simulator that drops connections, duplicates, reorders and loses echoes, printing what the app sees.
/// </summary>
internal sealed class DemoCommand
{
    private static readonly string[] Script =
    [
        "Can I change my delivery address?",
        "Great, and when will it arrive?",
        "Thanks, that's all.",
    ];

    private readonly TextWriter _output;
    private readonly object _print = new();
    private int _delivered;

    public DemoCommand(TextWriter output) => _output = output;

    /// <summary>Faults frequent enough to show every recovery path in a short conversation.</summary>
    public static FaultOptions ChaosFaults(int seed) => new()
    {
        Seed = seed,
        DropConnection = 0.05,
        DuplicateEvent = 0.1,
        ReorderEvents = 0.1,
        LoseEcho = 0.2,
        HostileFrame = 0.1,
    };

    /// <summary>Runs the conversation.</summary>
    /// <param name="faultSeed">The seed of the injected faults, or null for none.</param>
    /// <param name="pace">How long the user "types" before each line; zero sends at once.</param>
    /// <param name="stop">SIGINT or SIGTERM: the demo closes its session and the simulator, and exits 0.</param>
    public async Task<int> RunAsync(int? faultSeed, TimeSpan pace, CancellationToken stop)
    {
        try
        {
            return await ConverseAsync(faultSeed, pace, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The session and the simulator were disposed on the way out: their sockets are closed.
            Print($"stopped: {_delivered} events delivered before the stop request; session and simulator closed");
            return ExitCodes.Success;
        }
    }

    private async Task<int> ConverseAsync(int? faultSeed, TimeSpan pace, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(90) + (pace * (Script.Length + 1)));
        var options = new SimulatorOptions
        {
            ConnectorToken = ServeCommand.ConnectorToken,
            AllowedHost = ServeCommand.Host,
            Faults = faultSeed is { } seed ? ChaosFaults(seed) : FaultOptions.None,
        };
        await using var simulator = await PolyAiSimulator.StartAsync(options, timeout.Token).ConfigureAwait(false);
        Print(faultSeed is null ? $"simulator on {simulator.BaseAddress}, no faults" : $"simulator on {simulator.BaseAddress}, faults on (seed {faultSeed})");

        using var http = new HttpClient();
        var rest = new PolyChatRestClient(http, simulator.BaseAddress);
        var token = await rest.GetAccessTokenAsync(ServeCommand.ConnectorToken, ServeCommand.Host, timeout.Token).ConfigureAwait(false);
        var sessionId = await rest.CreateSessionAsync(token, streamingEnabled: true, cancellationToken: timeout.Token).ConfigureAwait(false);
        Print($"session {sessionId}, {token}");

        await using var session = await PolyChatSession.ConnectAsync(
            new SessionOptions
            {
                WebSocketAddress = simulator.WebSocketAddress,
                SessionId = sessionId,
                AccessToken = token,
                MaxReconnectAttempts = 20,
                InitialReconnectDelay = TimeSpan.FromMilliseconds(50),
                MaxReconnectDelay = TimeSpan.FromSeconds(1),
                Delivery = new DeliveryOptions { RetryDelay = TimeSpan.FromMilliseconds(500) },
            },
            timeout.Token).ConfigureAwait(false);
        session.Deliveries.Updated += (_, update) => Print($"    {DeliveryLine.Format(update)}");
        session.FrameRejected += (_, error) => Print($"    rejected frame: {error.Message}");
        session.GapDeclared += (_, gap) => Print($"    gap: sequences {gap.FirstMissing}..{gap.LastMissing} lost ({gap.Reason})");

        var next = 0;
        var sent = new List<TrackedMessage>();
        await foreach (var value in session.ReadEventsAsync(timeout.Token).ConfigureAwait(false))
        {
            _delivered++;
            Print(Describe(value));
            // Each complete agent reply (streamed ones arrive assembled after their chunks) prompts the next line.
            if (value is PolyAgentMessageEvent)
            {
                if (pace > TimeSpan.Zero && next <= Script.Length)
                {
                    await Task.Delay(pace, timeout.Token).ConfigureAwait(false);
                }

                if (next < Script.Length)
                {
                    Print($"  you: {Script[next]}");
                    sent.Add(await session.SendMessageAsync(Script[next++]).ConfigureAwait(false));
                }
                else if (next == Script.Length)
                {
                    next++;
                    Print("  you: (end the session)");
                    await session.EndAsync().ConfigureAwait(false);
                }
            }
        }

        var statuses = await Task.WhenAll(sent.Select(m => m.Completion)).WaitAsync(timeout.Token).ConfigureAwait(false);
        Print($"done: {_delivered} events delivered once and in order; messages: {string.Join(", ", statuses.Select(DeliveryLine.Word))}; cursor {session.Cursor}");
        return statuses.All(s => s == DeliveryStatus.Sent) ? ExitCodes.Success : ExitCodes.Rejected;
    }

    private static string Describe(Event value)
    {
        var sequence = value.Sequence is { } number ? $"#{number,-3}" : "-   ";
        var detail = value switch
        {
            PolyAgentMessageChunkEvent chunk => $"chunk {chunk.Payload.ChunkIndex}{(chunk.Payload.IsComplete == true ? " (last)" : string.Empty)}: \"{chunk.Payload.Text}\"",
            PolyAgentMessageEvent message => $"agent: \"{message.Payload.Text}\"",
            LiveAgentMessageEvent message => $"live agent: \"{message.Payload.Text}\"",
            UserMessageEvent echo => $"echo of \"{echo.Payload.Text}\" (message_id {echo.Payload.MessageId})",
            SessionStartEvent start => $"capabilities: streaming {start.Payload.Capabilities?.Streaming}, heartbeat {start.Payload.Capabilities?.HeartbeatIntervalSeconds}s",
            SessionEndEvent end => $"reason {end.Payload.Reason}",
            SystemMessageEvent system => $"{system.Payload.Level}: {system.Payload.Message}",
            PolyAgentJoinedEvent joined => $"agent {joined.Payload.AgentName} joined",
            _ => string.Empty,
        };
        return $"  {sequence} {value.Type,-36} {detail}";
    }

    private void Print(string line)
    {
        lock (_print)
        {
            _output.WriteLine(line);
        }
    }
}
