using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Delivery;
using PolyChat.Protocol.Events;
using PolyChat.Testing;

namespace PolyChat.Session.Simulation;

/// <summary>The outcome of one seed: its scenario, what broke, and the trace that shows how.</summary>
public sealed record RunResult(Scenario Scenario, IReadOnlyList<Violation> Violations, string Trace);

/// <summary>
/// Runs one scenario: the real <see cref="PolyChatSession"/> against the real simulator over the in-memory
/// transport, both on one <see cref="VirtualClock"/>. The driver lets the system settle, then moves the clock to
/// the next due timer or scripted step, until the session is over or the virtual limit; then it checks the run.
/// Call it from a thread that is not a thread-pool thread (see <see cref="Settler"/>).
/// </summary>
public sealed class SimulationRun
{
    /// <summary>How long after the server ended the session or the app disposed it the stream must be complete.</summary>
    public static readonly TimeSpan CompletionBound = TimeSpan.FromMinutes(2);

    // The session completes the stream at once; what the app still has to read takes the app's own time: its stall and
    // a read delay for each event the buffer (256 by default) can hold. Without that, a slow reader looks like a hang.
    private TimeSpan StreamBound =>
        CompletionBound + (_scenario.App.StallAfter >= 0 ? _scenario.App.StallFor : TimeSpan.Zero) + (_scenario.App.MaxReadDelay * 256);

    private static readonly TimeSpan SettlePatience = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Tail = TimeSpan.FromMinutes(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan> _settledAt = new(StringComparer.Ordinal);
    private readonly Scenario _scenario;
    private readonly VirtualClock _clock = new();
    private readonly Trace _trace;
    private readonly RunRecord _record = new();
    private readonly List<Task> _appCalls = [];
    private readonly List<RecordingSocket> _sockets = [];
    private readonly List<Violation> _violations = [];
    private PolyAiSimulator _simulator = null!;
    private SimulatorSession _server = null!;
    private PolyChatSession? _session;
    private Task? _reader;
    private ValueTask _dispose;
    private bool _disposeStarted;

    private SimulationRun(Scenario scenario)
    {
        _scenario = scenario;
        _trace = new Trace(_clock);
    }

    /// <summary>Runs <paramref name="scenario"/> to its end and checks it.</summary>
    public static RunResult Execute(Scenario scenario)
    {
        var run = new SimulationRun(scenario);
        try
        {
            run.Drive();
        }
        catch (Exception exception)
        {
            run._violations.Add(new Violation("harness-exception", exception.ToString()));
        }

        return new RunResult(scenario, run._violations, scenario + run._trace.ToString());
    }

    private void Drive()
    {
        _clock.Firing = owner =>
        {
            if (owner == "session" && _record.DisposedAt is not null && _dispose.IsCompleted)
            {
                _record.SessionTimerFiresAfterDispose++;
            }
        };
        _simulator = PolyAiSimulator.CreateInMemory(new SimulatorOptions
        {
            TimeProvider = _clock.ForOwner("server"),
            Behavior = _scenario.Behavior,
            Faults = _scenario.Faults,
            HeartbeatIntervalSeconds = _scenario.HeartbeatSeconds,
            MaxReconnectAttempts = _scenario.MaxReconnectHint,
            IdleTimeout = _scenario.IdleTimeout,
            SessionExpiry = _scenario.SessionExpiry,
        });
        try
        {
            DriveSession();
        }
        finally
        {
            var stop = _simulator.DisposeAsync();
            Settle();
            if (!stop.IsCompleted)
            {
                stop.AsTask().Wait(TimeSpan.FromSeconds(10));
            }
        }
    }

    private void DriveSession()
    {
        var created = _simulator.CreateSessionAsync(_scenario.Streaming).GetAwaiter().GetResult();
        _server = _simulator.GetSession(created.SessionId);
        var logger = new CapturingLogger(_trace);
        var jitter = new Random(_scenario.Seed ^ 0x5EED);
        var options = new SessionOptions
        {
            WebSocketAddress = created.WebSocketAddress,
            SessionId = created.SessionId,
            AccessToken = created.AccessToken,
            WebSocketFactory = ConnectAsync,
            TimeProvider = _clock.ForOwner("session"),
            Logger = logger,

            // Backoff jitter from the seed too (SessionOptions.Jitter is internal, for tests to pin the schedule).
            Jitter = () =>
            {
                lock (jitter)
                {
                    return jitter.NextDouble();
                }
            },
        };

        if (_scenario.RefuseFirst is { } first)
        {
            _server.RefuseHandshakes(first.Status, first.Count);
        }

        var connect = PolyChatSession.ConnectAsync(options);
        RunUntil(() => connect.IsCompleted, TimeSpan.FromMinutes(2));
        if (!connect.IsCompletedSuccessfully)
        {
            CheckRefusedConnect(connect);
            Invariants.CheckLogs(_violations, logger, created.AccessToken.Value);
            return;
        }

        _session = connect.Result;
        Subscribe(_session);
        _reader = ReadAsync(_session);

        var steps = new Queue<Step>(_scenario.Steps);
        var limit = (_scenario.Steps.Count > 0 ? _scenario.Steps.Max(s => s.At) : TimeSpan.Zero) + Tail;
        while (true)
        {
            Settle();
            Observe();
            if (_record.StreamCompletedAt is not null && (_record.ServerEndedAt is not null || _record.DisposedAt is not null))
            {
                break;
            }

            if (EndedAt() is { } ended && _clock.Elapsed > ended + StreamBound)
            {
                _violations.Add(new Violation("stream-not-completed", $"the stream was still open {StreamBound} after the end at {ended}"));
                break;
            }

            while (steps.Count > 0 && steps.Peek().At <= _clock.Elapsed)
            {
                Perform(steps.Dequeue());
                Settle();
                Observe();
            }

            var target = steps.Count > 0 ? steps.Peek().At : limit;
            if (EndedAt() is { } end && end + StreamBound + TimeSpan.FromTicks(1) < target)
            {
                target = end + StreamBound + TimeSpan.FromTicks(1);
            }

            if (_clock.Elapsed >= limit && steps.Count == 0)
            {
                break;
            }

            _clock.FireNextOrAdvance(target);
        }

        if (!_disposeStarted)
        {
            Perform(new Step(_clock.Elapsed, StepKind.Dispose));
        }

        RunUntil(() => _dispose.IsCompleted, TimeSpan.FromMinutes(1));
        Observe();
        if (!_dispose.IsCompleted)
        {
            _violations.Add(new Violation("dispose-hangs", "DisposeAsync did not complete within a minute (virtual) after it was called"));
        }
        else if (_dispose.AsTask().Exception is { } thrown)
        {
            _violations.Add(new Violation("dispose-throws", thrown.InnerException?.ToString() ?? thrown.ToString()));
        }

        // The session completes the stream at once; a slow reader still drains what was buffered (nothing is thrown
        // away), which takes at most the buffer (256 events) times its longest read delay.
        RunUntil(() => _reader is not { IsCompleted: false }, TimeSpan.FromMinutes(10));
        Observe();
        if (_record.StreamCompletedAt is null)
        {
            _violations.Add(new Violation("stream-not-completed", "the stream was still open 10 min (virtual) after DisposeAsync"));
        }

        // Let every timer left run out: none of the session's may fire now.
        var drainUntil = _clock.Elapsed + Tail;
        while (_clock.NextDue is { } due && due <= drainUntil)
        {
            _clock.FireNextOrAdvance(due);
            Settle();
        }

        _record.SkippedSequences = _session.SkippedSequences;
        Invariants.CheckAll(_violations, _record, _server, _sockets, _appCalls, _clock, logger, created.AccessToken.Value);
    }

    private void CheckRefusedConnect(Task<PolyChatSession> connect)
    {
        var error = connect.Exception?.InnerException;
        _trace.Add("app", $"ConnectAsync failed: {error?.GetType().Name}: {error?.Message}");
        if (error is PolyChatApiException { StatusCode: System.Net.HttpStatusCode.NotFound } && _server.IsEnded)
        {
            // The server had ended the session (its idle expiry ran while a loaded machine kept the handshake in
            // flight and the clock moved on): 404 is then the right answer, as PolyAI's would be.
            _trace.Add("app", "the session had expired on the server before the handshake: 404 is correct");
        }
        else if (_scenario.RefuseFirst is not { } first)
        {
            _violations.Add(new Violation("connect-failed", $"ConnectAsync failed with no refusal scripted: {error}"));
        }
        else if (error is not PolyChatApiException { StatusCode: { } status } || (int)status != first.Status)
        {
            _violations.Add(new Violation("connect-misreports-refusal", $"the first handshake answered {first.Status}, ConnectAsync threw {error}"));
        }
    }

    private TimeSpan? EndedAt() =>
        _record.ServerEndedAt is { } server && _record.DisposedAt is { } disposed ? (server < disposed ? server : disposed) : _record.ServerEndedAt ?? _record.DisposedAt;

    private void Observe()
    {
        if (_record.ServerEndedAt is null && _server.IsEnded)
        {
            _record.ServerEndedAt = _clock.Elapsed;
            _trace.Add("server", "session ended (journal has SESSION_END)");
        }

        if (_record.StreamCompletedAt is null && _reader is { IsCompleted: true })
        {
            _record.StreamCompletedAt = _clock.Elapsed;
        }
    }

    private static readonly TimeSpan RealGrace = TimeSpan.FromSeconds(5);

    private void Settle()
    {
        if (!Settler.WaitIdle(SettlePatience))
        {
            _trace.Add("driver", "the thread pool did not settle in time");
        }
    }

    // Drives the clock until the condition holds or the virtual limit passes.
    private void RunUntil(Func<bool> done, TimeSpan limit)
    {
        var until = _clock.Elapsed + limit;
        while (true)
        {
            Settle();
            if (done())
            {
                return;
            }

            if (_clock.Elapsed >= until)
            {
                // A loaded machine (CI runs other test processes beside this one) may not have finished work in
                // flight when the pool looked idle: before judging, give it real time, with the clock standing still.
                var grace = Stopwatch.StartNew();
                while (!done() && grace.Elapsed < RealGrace)
                {
                    Thread.Sleep(1);
                }

                return;
            }

            _clock.FireNextOrAdvance(_clock.NextDue is { } due && due < until ? due : until);
        }
    }

    private async ValueTask<WebSocket> ConnectAsync(Uri address, CancellationToken cancellationToken)
    {
        var ordinal = _record.Attempts.Count + 1;
        var cursor = address.Query.Split('&').FirstOrDefault(p => p.StartsWith("cursor=", StringComparison.Ordinal));
        _trace.Add($"c{ordinal}", $"connect ({cursor})");
        try
        {
            var inner = await _simulator.WebSocketFactory!(address, cancellationToken).ConfigureAwait(false);
            var socket = new RecordingSocket(
                inner, _clock, _trace, ordinal, text => Add(_record.Received, text), text => Add(_record.Sent, text));
            lock (_record)
            {
                _record.Attempts.Add(new Attempt(_clock.Elapsed, null, socket));
                _sockets.Add(socket);
            }

            return socket;
        }
        catch (PolyChatApiException refused)
        {
            _trace.Add($"c{ordinal}", $"refused {(int?)refused.StatusCode}");
            lock (_record)
            {
                _record.Attempts.Add(new Attempt(_clock.Elapsed, (int?)refused.StatusCode ?? 0, null));
            }

            throw;
        }
    }

    private void Add(List<(TimeSpan, string)> frames, string text)
    {
        lock (frames)
        {
            frames.Add((_clock.Elapsed, text));
        }
    }

    private void Subscribe(PolyChatSession session)
    {
        var app = _scenario.App;
        session.FrameRejected += (_, error) =>
        {
            _trace.Add("app", $"FrameRejected: {error.Message}");
            if (app.ThrowOnFrameRejected)
            {
                throw new InvalidOperationException("The app's FrameRejected handler failed.");
            }
        };
        session.GapDeclared += (_, gap) =>
        {
            lock (_record.Gaps)
            {
                _record.Gaps.Add(gap);
            }

            _trace.Add("app", $"GapDeclared: {gap}");
            if (app.ThrowOnGapDeclared)
            {
                throw new InvalidOperationException("The app's GapDeclared handler failed.");
            }
        };
        session.MessageAbandoned += (_, abandoned) =>
        {
            _trace.Add("app", $"MessageAbandoned: {abandoned}");
            if (app.ThrowOnMessageAbandoned)
            {
                throw new InvalidOperationException("The app's MessageAbandoned handler failed.");
            }
        };
        session.Deliveries.Updated += (_, update) =>
        {
            _trace.Add("app", $"Deliveries.Updated: {update.Message.ClientEventId} {update.Kind} {update.Status} attempts {update.Attempts}");
            if (update.Kind is DeliveryUpdateKind.Sent or DeliveryUpdateKind.Failed)
            {
                // The instant it settled, on the settling thread; Completion's continuation may run later on a busy pool.
                _settledAt.TryAdd(update.Message.ClientEventId, _clock.Elapsed);
            }

            if (app.ThrowOnDeliveryUpdated)
            {
                throw new InvalidOperationException("The app's Deliveries.Updated handler failed.");
            }
        };
    }

    private async Task ReadAsync(PolyChatSession session)
    {
        await Task.Yield();
        var app = _scenario.App;
        var random = new Random(_scenario.Seed ^ 0x7EAD);
        var appClock = _clock.ForOwner("app");
        var index = 0;
        try
        {
            await foreach (var value in session.ReadEventsAsync().ConfigureAwait(false))
            {
                lock (_record.Seen)
                {
                    _record.Seen.Add((_clock.Elapsed, value));
                }

                _trace.Add("app", $"read {value.Type.Value} seq {value.Sequence} id {value.Id}");
                if (++index == app.StallAfter)
                {
                    _trace.Add("app", $"stalls for {app.StallFor}");
                    await Task.Delay(app.StallFor, appClock).ConfigureAwait(false);
                }
                else if (app.MaxReadDelay > TimeSpan.Zero && random.Next(3) == 0)
                {
                    await Task.Delay(app.MaxReadDelay * random.NextDouble(), appClock).ConfigureAwait(false);
                }
            }

            _trace.Add("app", "the stream completed");
        }
        catch (Exception exception)
        {
            _record.StreamError = exception;
            _trace.Add("app", $"the stream failed: {exception.GetType().Name}: {exception.Message}");
        }
    }

    private void Perform(Step step)
    {
        _trace.Add("step", $"{step.Kind} {(step.Kind == StepKind.Refuse ? $"{step.Status} x{step.Count}" : string.Empty)}");
        switch (step.Kind)
        {
            case StepKind.Send:
                Call(SendAsync($"message {_record.Messages.Count + 1}"));
                break;
            case StepKind.End:
                _record.EndRequested = true;
                Call(TrackAsync(() => _session!.EndAsync()));
                break;
            case StepKind.Dispose when !_disposeStarted:
                _disposeStarted = true;
                _record.DisposedAt = _clock.Elapsed;
                _dispose = _session!.DisposeAsync();
                break;
            case StepKind.Dispose:
                break;
            case StepKind.Drop:
                _server.DropConnections();
                break;
            case StepKind.Refuse:
                _server.RefuseHandshakes(step.Status, step.Count);
                break;
            case StepKind.ServerEnd:
                _server.End();
                break;
            case StepKind.Publish when !_server.IsEnded:
                _server.Publish(new LiveAgentMessageEvent(new LiveAgentMessagePayload { MessageId = $"live_{_clock.Elapsed.Ticks}", AgentId = "live_1", Text = "live" }));
                break;
            case StepKind.Publish:
                break;
        }
    }

    private void Call(Task call)
    {
        lock (_appCalls)
        {
            _appCalls.Add(call);
        }
    }

    private Task SendAsync(string text) => TrackAsync(() => _session!.SendMessageAsync(text));

    private async Task TrackAsync(Func<ValueTask<TrackedMessage>> send)
    {
        TrackedMessage tracked;
        try
        {
            tracked = await send().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ObjectDisposedException or InvalidOperationException or SessionClosedException)
        {
            _trace.Add("app", $"send refused: {exception.GetType().Name}: {exception.Message}");
            return;
        }

        var record = new MessageRecord { AcceptedAt = _clock.Elapsed, Tracked = tracked };
        lock (_record.Messages)
        {
            _record.Messages.Add(record);
        }

        _trace.Add("app", $"accepted {tracked.ClientEventId} ({tracked.Event.Type.Value})");
        var status = await tracked.Completion.ConfigureAwait(false);
        record.SettledAt = _settledAt.TryGetValue(tracked.ClientEventId, out var settledAt) ? settledAt : _clock.Elapsed;
        _trace.Add("app", $"settled {tracked.ClientEventId}: {status} {tracked.FailureReason}");
    }
}
