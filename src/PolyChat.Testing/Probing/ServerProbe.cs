using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Client;

namespace PolyChat.Testing.Probing;

/// <summary>
/// Finds out how a real PolyAI Messaging server answers the points its docs leave open (PROTOCOL.md's [unconfirmed]
/// marks). It creates a fresh session and runs a short scripted conversation over raw WebSocket frames: a message
/// before the join, the join, a heartbeat, a message with metadata, the same message again, a message whose socket
/// is aborted before its echo, replays after several cursors (one beyond the end), an oversized frame, sockets up to
/// <see cref="ProbeOptions.MaxSockets"/>, the end of the session and a reconnect after it. <see cref="ProbePlan"/>
/// says what that costs. The session is ended when the run stops, however it stops.
/// </summary>
public static class ServerProbe
{
    private const string UserText = "Automated protocol check, please ignore.";

    /// <summary>Runs the probe.</summary>
    /// <param name="options">Where, with which token, and the time limits.</param>
    /// <param name="cancellationToken">Stops the run; the session is ended first, then <see cref="OperationCanceledException"/> is thrown.</param>
    /// <returns>
    /// The report. When <see cref="ProbeOptions.Timeout"/> runs out or the server stops answering, the report is
    /// returned anyway, <see cref="ProbeReport.Completed"/> false and the points not reached undecided.
    /// </returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="PolyChatApiException">The access token or the session could not be had; nothing was sent over a socket.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<ProbeReport> RunAsync(ProbeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var time = options.TimeProvider;
        var started = time.GetUtcNow();
        using var limit = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        var token = linked.Token;

        using var http = new HttpClient();
        var rest = new PolyChatRestClient(http, options.BaseAddress) { TimeProvider = time };
        options.Progress?.Invoke("create-session");
        var access = await rest.GetAccessTokenAsync(options.ConnectorToken, options.Host, token).ConfigureAwait(false);
        var sessionId = await rest.CreateSessionAsync(access, options.Streaming, cancellationToken: token).ConfigureAwait(false);

        var sockets = new ProbeSockets(options.WebSocketAddress, sessionId, access.Value, time, options.FrameTimeout);
        var run = new Run(options, sockets);
        string? stopped = null;
        await using (run.Conversation.ConfigureAwait(false))
        {
            try
            {
                await run.ScriptAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                stopped = $"the time limit ({options.Timeout.TotalSeconds:0} s) ran out in step '{run.Observed.StoppedIn}'";
            }
            catch (ProbeStepException exception)
            {
                stopped = $"{exception.Message} (step '{run.Observed.StoppedIn}')";
            }
            catch (Exception exception) when (exception is WebSocketException or System.IO.IOException or HttpRequestException)
            {
                stopped = $"the connection failed in step '{run.Observed.StoppedIn}' ({exception.GetType().Name})";
            }
            finally
            {
                if (!run.SessionEnded)
                {
                    await run.EndQuietlyAsync().ConfigureAwait(false);
                }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        run.Observed.Drops = sockets.Drops;
        var points = ProbeJudge.Judge(run.Observed, run.Conversation.Log, sockets.FirstBatchWrapper, options.MaxSockets);
        var report = new ProbeReport
        {
            RestAddress = Plain(options.BaseAddress),
            WebSocketAddress = Plain(options.WebSocketAddress),
            StartedAt = started,
            SessionId = sessionId,
            Completed = stopped is null,
            StoppedBecause = stopped,
            SessionEnded = run.SessionEnded,
            Cost = new ProbeCost
            {
                UserMessages = run.UserMessages,
                JoinRequests = run.JoinRequests,
                SocketsOpened = sockets.SocketsOpened,
                MostSocketsAtOnce = run.MostAtOnce,
                FramesSent = sockets.FramesSent,
            },
            Points = points,
        };
        return Redact(report, options.ConnectorToken, access.Value);
    }

    // An address as the report shows it: no query (the access token travels there), no user info.
    private static string Plain(Uri address) => new UriBuilder(address) { Query = string.Empty, UserName = string.Empty, Password = string.Empty, Fragment = string.Empty }.Uri.ToString();

    // Belt and braces: nothing the probe records holds a secret, and this makes sure of it.
    private static ProbeReport Redact(ProbeReport report, params string[] secrets)
    {
        string Clean(string text)
        {
            foreach (var secret in secrets)
            {
                text = text.Replace(secret, "[redacted]", StringComparison.Ordinal);
            }

            return text;
        }

        var points = new List<ProbePoint>(report.Points.Count);
        foreach (var point in report.Points)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in point.Values)
            {
                values[key] = Clean(value);
            }

            points.Add(point with { Observed = Clean(point.Observed), Evidence = Map(point.Evidence, Clean), Values = values });
        }

        return report with { Points = points, StoppedBecause = report.StoppedBecause is { } reason ? Clean(reason) : null };
    }

    private static List<string> Map(IReadOnlyList<string> lines, Func<string, string> map)
    {
        var list = new List<string>(lines.Count);
        foreach (var line in lines)
        {
            list.Add(map(line));
        }

        return list;
    }

    /// <summary>One run's script and state.</summary>
    private sealed class Run
    {
        private readonly ProbeOptions _options;
        private readonly ProbeSockets _sockets;

        public Run(ProbeOptions options, ProbeSockets sockets)
        {
            _options = options;
            _sockets = sockets;
            Conversation = new ProbeConnection(sockets);
        }

        public ProbeConnection Conversation { get; }

        public ProbeObservations Observed { get; } = new();

        public bool SessionEnded { get; private set; }

        public int UserMessages { get; private set; }

        public int JoinRequests { get; private set; }

        public int MostAtOnce { get; private set; } = 1;

        private TimeSpan FrameTimeout => _options.FrameTimeout;

        private TimeSpan ReplyTimeout => _options.ReplyTimeout;

        public async Task ScriptAsync(CancellationToken token)
        {
            await Step("connect", ConnectAsync, token).ConfigureAwait(false);
            await Step("before-join", BeforeJoinAsync, token).ConfigureAwait(false);
            await Step("join", JoinAsync, token).ConfigureAwait(false);
            await Step("heartbeat", HeartbeatAsync, token).ConfigureAwait(false);
            await Step("message", MessageAsync, token).ConfigureAwait(false);
            await Step("resend", ResendAsync, token).ConfigureAwait(false);
            await Step("dropped-before-echo", DroppedBeforeEchoAsync, token).ConfigureAwait(false);
            await Step("replays", ReplaysAsync, token).ConfigureAwait(false);
            await Step("oversized", OversizedAsync, token).ConfigureAwait(false);
            await Step("connection-limit", ConnectionLimitAsync, token).ConfigureAwait(false);
            await Step("end", EndAsync, token).ConfigureAwait(false);
            await Step("after-end", AfterEndAsync, token).ConfigureAwait(false);
            Observed.StoppedIn = null;
        }

        /// <summary>Ends the session after a run that stopped early, within its own short time limit.</summary>
        public async Task EndQuietlyAsync()
        {
            using var cleanup = new CancellationTokenSource(FrameTimeout + FrameTimeout, _sockets.Time);
            try
            {
                await Conversation.SendAsync(ProbeFrames.EndSession(), cleanup.Token).ConfigureAwait(false);
                var wait = await Conversation.WaitAsync(
                    a => a.Exists(e => e.Is("SESSION_END") || e.Is("USER_END_SESSION")), FrameTimeout, cleanup.Token, reconnect: false).ConfigureAwait(false);
                SessionEnded = wait.End?.Kind == ProbeFrameKind.Closed || wait.Arrivals.Exists(e => e.Is("SESSION_END") || e.Is("USER_END_SESSION"));
            }
            catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or System.IO.IOException or ObjectDisposedException)
            {
                // Best effort: an unreachable server expires the session by itself after its idle time.
            }

            await Conversation.CloseAsync().ConfigureAwait(false);
        }

        private async Task Step(string name, Func<CancellationToken, Task> step, CancellationToken token)
        {
            Observed.StoppedIn = name;
            _options.Progress?.Invoke(name);
            await step(token).ConfigureAwait(false);
            Observed.StepsDone.Add(name);
        }

        private async Task ConnectAsync(CancellationToken token)
        {
            var first = await Conversation.ConnectAsync(token).ConfigureAwait(false);
            if (first.Socket is null)
            {
                throw new ProbeStepException($"the first connect was refused ({first.DescribeRefusal()})");
            }

            await SendAsync(ProbeFrames.Barrier("connect"), token).ConfigureAwait(false);
            var wait = await Conversation.WaitAsync(a => a.Exists(e => ReplayReader.IsAnswer(e, "connect")), FrameTimeout, token).ConfigureAwait(false);
            Observed.SessionStart = Conversation.SessionStart;
            Observed.FirstError = wait.Arrivals.Find(e => ReplayReader.IsAnswer(e, "connect"));
        }

        // A user message before the join request: the documented agent-side error is "Error: Conversation not found".
        private async Task BeforeJoinAsync(CancellationToken token)
        {
            await SendAsync(ProbeFrames.UserMessage(UserText, Observed.BeforeJoinId, "before-join"), token, userMessage: true).ConfigureAwait(false);
            var id = Observed.BeforeJoinId;
            var wait = await Conversation.WaitAsync(
                a => (a.Exists(e => IsEcho(e, id)) && a.Exists(e => IsErrorAbout(e, id))) || a.Exists(e => e.EndsAgentTurn && !e.IsError && !e.Repeat),
                ReplyTimeout,
                token).ConfigureAwait(false);
            Observed.BeforeJoin = wait.Arrivals;
        }

        private async Task JoinAsync(CancellationToken token)
        {
            if (Conversation.Log.Exists(e => e.Is("POLY_AGENT_JOINED")))
            {
                // The agent joined without being asked: asking again is wrong (PROTOCOL.md §2).
                Observed.Greeting = [];
                return;
            }

            await SendAsync(ProbeFrames.Join(), token).ConfigureAwait(false);
            JoinRequests++;
            var wait = await Conversation.WaitAsync(a => a.Exists(e => e.EndsAgentTurn && !e.Repeat && e.Marker is null), ReplyTimeout, token).ConfigureAwait(false);
            Observed.Greeting = wait.Arrivals;
        }

        private async Task HeartbeatAsync(CancellationToken token)
        {
            await SendAsync(ProbeFrames.Heartbeat(), token).ConfigureAwait(false);
            var wait = await Conversation.WaitAsync(a => a.Exists(e => e.Is("HEARTBEAT") && !e.Repeat), FrameTimeout, token).ConfigureAwait(false);
            Observed.HeartbeatEcho = wait.Arrivals.Find(e => e.Is("HEARTBEAT") && !e.Repeat);
            Observed.HeartbeatUnanswered = Observed.HeartbeatEcho is null && wait.TimedOut;
        }

        private async Task MessageAsync(CancellationToken token)
        {
            var id = Observed.FirstMessageId;
            await SendAsync(ProbeFrames.UserMessage(UserText, id, "message-1"), token, userMessage: true).ConfigureAwait(false);
            var arrivals = await EchoThenReplyAsync(id, token).ConfigureAwait(false);
            Observed.FirstEcho = arrivals.Find(e => IsEcho(e, id));
        }

        // The same frame again, as a client retrying after a lost echo would send it.
        private async Task ResendAsync(CancellationToken token)
        {
            var id = Observed.FirstMessageId;
            await SendAsync(ProbeFrames.UserMessage(UserText, id, "message-1"), token, userMessage: true).ConfigureAwait(false);
            var first = Observed.FirstEcho?.Id;
            var echo = await Conversation.WaitAsync(a => a.Exists(e => IsEcho(e, id)), FrameTimeout, token).ConfigureAwait(false);
            var arrivals = echo.Arrivals;
            if (arrivals.Exists(e => IsEcho(e, id) && e.Id != first))
            {
                // Processed again: let its reply finish before the next step.
                var reply = await Conversation.WaitAsync(a => a.Exists(e => e.EndsAgentTurn && !e.Repeat && e.Marker is null), ReplyTimeout, token).ConfigureAwait(false);
                arrivals.AddRange(reply.Arrivals);
            }

            Observed.Resend = arrivals;
        }

        private async Task DroppedBeforeEchoAsync(CancellationToken token)
        {
            var id = Observed.DroppedMessageId;
            await Conversation.SendAndAbortAsync(ProbeFrames.UserMessage(UserText, id, "dropped"), token).ConfigureAwait(false);
            UserMessages++;
            var arrivals = await EchoThenReplyAsync(id, token).ConfigureAwait(false);
            Observed.DroppedEcho = arrivals.Find(e => IsEcho(e, id));
            Observed.DroppedLost = Observed.DroppedEcho is null;
        }

        private async Task ReplaysAsync(CancellationToken token)
        {
            MostAtOnce = Math.Max(MostAtOnce, Conversation.IsOpen ? 2 : 1);
            var settle = _options.SettleTime;
            Observed.FullReplay = await ReplayReader.ReadAsync(_sockets, null, "replay-full", settle, token).ConfigureAwait(false);
            Note(Observed.FullReplay);
            var start = Observed.SessionStart?.Sequence ?? 1;
            Observed.AfterStartReplay = await ReplayReader.ReadAsync(_sockets, start, "replay-after-start", settle, token).ConfigureAwait(false);
            Note(Observed.AfterStartReplay);
            var middle = (start + Highest()) / 2;
            if (middle > start)
            {
                Observed.MiddleReplay = await ReplayReader.ReadAsync(_sockets, middle, "replay-middle", settle, token).ConfigureAwait(false);
                Note(Observed.MiddleReplay);
            }

            // Nothing newer than the cursor: retried when something newer did turn up (a sequenced error, say).
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                var cursor = Highest();
                Observed.HighestBeforeReplays = cursor;
                Observed.LastReplayAttempts = attempt;
                Observed.LastReplay = await ReplayReader.ReadAsync(_sockets, cursor, "replay-last", settle, token).ConfigureAwait(false);
                Note(Observed.LastReplay);
                if (!Observed.LastReplay.Events.Any(e => e.Sequence > cursor && !e.Is("SESSION_START")))
                {
                    break;
                }
            }

            Observed.BeyondReplay = await ReplayReader.ReadAsync(_sockets, Highest() + 1000, "replay-beyond", settle, token).ConfigureAwait(false);
            Note(Observed.BeyondReplay);
        }

        private async Task OversizedAsync(CancellationToken token)
        {
            var capabilities = Observed.SessionStart is { } start && start.Payload.ValueKind == JsonValueKind.Object
                && start.Payload.TryGetProperty("capabilities", out var value) ? value : default;
            var limit = capabilities.ValueKind == JsonValueKind.Object && capabilities.TryGetProperty("max_message_size_bytes", out var size)
                && size.TryGetInt32(out var bytes) && bytes > 0 ? bytes : 131072;
            Observed.OversizedBytes = limit + 1024;
            await SendAsync(ProbeFrames.Oversized(Observed.OversizedBytes), token).ConfigureAwait(false);
            var wait = await Conversation.WaitAsync(a => a.Exists(e => e.IsError && e.Marker is (null or "oversized") && !e.Repeat), FrameTimeout, token, reconnect: false).ConfigureAwait(false);
            Observed.Oversized = wait.Arrivals;
            Observed.OversizedEnd = wait.End;
            if (wait.End is null && Conversation.IsOpen)
            {
                await SendAsync(ProbeFrames.Barrier("after-oversized"), token).ConfigureAwait(false);
                var after = await Conversation.WaitAsync(a => a.Exists(e => e.IsError && e.Marker == "after-oversized"), FrameTimeout, token, reconnect: false).ConfigureAwait(false);
                Observed.OpenAfterOversized = after.Arrivals.Exists(e => e.IsError && e.Marker == "after-oversized");
                Observed.OversizedEnd = after.End;
            }
            else
            {
                Observed.OpenAfterOversized = false;
            }
        }

        private async Task ConnectionLimitAsync(CancellationToken token)
        {
            if (!Conversation.IsOpen)
            {
                await Conversation.ConnectAsync(token).ConfigureAwait(false);
            }

            var open = new List<ProbeSocket>();
            try
            {
                var atOnce = Conversation.IsOpen ? 1 : 0;
                Observed.LimitEvidence.Add($"{atOnce} socket open (the conversation)");
                while (atOnce < _options.MaxSockets)
                {
                    var result = await _sockets.ConnectAsync(Highest(), token).ConfigureAwait(false);
                    var retried = result.Socket is null && result.Status == 429;
                    if (retried)
                    {
                        // A slot may be released a moment after its socket closed: one more try before taking the refusal.
                        await Task.Delay(TimeSpan.FromMilliseconds(250), _sockets.Time, token).ConfigureAwait(false);
                        result = await _sockets.ConnectAsync(Highest(), token).ConfigureAwait(false);
                    }

                    if (result.Socket is not { } socket)
                    {
                        Observed.LimitRefusal = result.DescribeRefusal();
                        Observed.LimitRefusalStatus = result.Status;
                        Observed.LimitEvidence.Add($"one more socket: {result.DescribeRefusal()}{(retried ? " twice, 250 ms apart," : string.Empty)} with {atOnce} open");
                        break;
                    }

                    open.Add(socket);
                    atOnce++;
                    Observed.LimitEvidence.Add($"one more socket: open ({atOnce} at once)");
                }

                Observed.SocketsAtOnce = atOnce;
                MostAtOnce = Math.Max(MostAtOnce, atOnce);
            }
            finally
            {
                foreach (var socket in open)
                {
                    await socket.CloseAsync(FrameTimeout, _sockets.Time).ConfigureAwait(false);
                    await socket.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        private async Task EndAsync(CancellationToken token)
        {
            await SendAsync(ProbeFrames.EndSession(), token).ConfigureAwait(false);
            var wait = await Conversation.WaitAsync(_ => false, FrameTimeout, token, reconnect: false).ConfigureAwait(false);
            Observed.End = wait.Arrivals;
            Observed.EndClose = wait.End;
            Observed.EndTimedOut = wait.TimedOut;
            SessionEnded = wait.End?.Kind == ProbeFrameKind.Closed || wait.Arrivals.Exists(e => e.Is("SESSION_END") || e.Is("USER_END_SESSION"));
            await Conversation.CloseAsync().ConfigureAwait(false);
        }

        private async Task AfterEndAsync(CancellationToken token)
        {
            var result = await _sockets.ConnectAsync(Highest(), token).ConfigureAwait(false);
            Observed.AfterEnd = result;
            if (result.Socket is not { } socket)
            {
                return;
            }

            await using (socket.ConfigureAwait(false))
            {
                while (await socket.NextAsync(FrameTimeout, _sockets.Time, token).ConfigureAwait(false) is { } frame)
                {
                    if (frame.Kind != ProbeFrameKind.Text)
                    {
                        Observed.AfterEndClose = frame;
                        break;
                    }

                    Observed.AfterEndFrames.Add(Evidence.Trim($"socket {socket.Ordinal} ← {frame.Text}"));
                }

                await socket.CloseAsync(FrameTimeout, _sockets.Time).ConfigureAwait(false);
            }
        }

        private async Task<List<ProbeEvent>> EchoThenReplyAsync(string clientEventId, CancellationToken token)
        {
            var echo = await Conversation.WaitAsync(a => a.Exists(e => IsEcho(e, clientEventId)), FrameTimeout, token).ConfigureAwait(false);
            var arrivals = echo.Arrivals;
            var index = arrivals.FindIndex(e => IsEcho(e, clientEventId));
            if (index < 0)
            {
                return arrivals;
            }

            if (!arrivals.Skip(index).Any(e => e.EndsAgentTurn && !e.Repeat && e.Marker is null))
            {
                var reply = await Conversation.WaitAsync(a => a.Exists(e => e.EndsAgentTurn && !e.Repeat && e.Marker is null), ReplyTimeout, token).ConfigureAwait(false);
                arrivals.AddRange(reply.Arrivals);
            }

            return arrivals;
        }

        private async Task SendAsync(string frame, CancellationToken token, bool userMessage = false)
        {
            await Conversation.SendAsync(frame, token).ConfigureAwait(false);
            if (userMessage)
            {
                UserMessages++;
            }
        }

        // Every sequence seen, so that a cursor is always the true highest.
        private long Highest()
        {
            var highest = Conversation.HighestSequence ?? 0;
            foreach (var sequence in Observed.Sequences.Values)
            {
                highest = Math.Max(highest, sequence);
            }

            return highest;
        }

        private void Note(ReplayObservation replay)
        {
            foreach (var value in replay.Events.Concat(replay.Others).Append(replay.BarrierAnswer))
            {
                if (value is { Id: { } id, Sequence: { } sequence })
                {
                    Observed.Sequences[id] = sequence;
                }
            }
        }

        private static bool IsEcho(ProbeEvent value, string clientEventId) => value.Is("USER_MESSAGE") && value.ClientEventId == clientEventId;

        private static bool IsErrorAbout(ProbeEvent value, string clientEventId) =>
            value.IsError && (value.ClientEventId == clientEventId || value.Custom is null);
    }
}
