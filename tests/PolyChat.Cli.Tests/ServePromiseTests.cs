using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PolyChat.Protocol.Client;
using PolyChat.Protocol.Events;
using Xunit;

namespace PolyChat.Cli.Tests;

/// <summary>
/// <c>polychat serve --faults SEED</c> and <c>--profile NAME</c> take effect: a session client against the built
/// binary's server sees the faults and the profile's answers, and none of them without the options.
/// </summary>
public sealed partial class ServePromiseTests
{
    private static readonly TimeSpan StartCap = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FaultsTakeEffectOnlyWhenAsked(bool faults)
    {
        // The demo's fault mix (malformed frames among them); a short conversation shows some.
        using var cli = faults ? CliProcess.Start("serve", "--port", "0", "--faults", "7") : CliProcess.Start("serve", "--port", "0");
        var address = await AddressAsync(cli);
        Assert.Contains(faults ? "  faults: on (seed 7)" : "  faults: off", cli.Stdout.Split('\n'));

        var (_, rejected, others) = await ConverseAsync(address, end: false);

        if (faults)
        {
            Assert.True(rejected > 0, $"no malformed frame seen ({others} gaps and abandoned replies)");
        }
        else
        {
            Assert.Equal((0, 0), (rejected, others));
        }
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("silent-end", false)]
    public async Task AProfileTakesEffect(string? profile, bool sessionEndSent)
    {
        // silent-end: the server closes an ended session with 1000 and no SESSION_END (§5g allows it).
        using var cli = profile is null ? CliProcess.Start("serve", "--port", "0") : CliProcess.Start("serve", "--port", "0", "--profile", profile);
        var address = await AddressAsync(cli);
        Assert.Contains($"  server behaviour: {profile ?? "default"}", cli.Stdout.Split('\n'));

        var (events, _, _) = await ConverseAsync(address, end: true);

        Assert.Equal(sessionEndSent, events.Exists(e => e is SessionEndEvent));
    }

    private static async Task<(Uri Http, Uri WebSocket)> AddressAsync(CliProcess cli)
    {
        await cli.WaitForLineAsync(line => line == "Press Ctrl+C to stop.", StartCap);
        var match = Banner().Match(cli.Stdout);
        Assert.True(match.Success, cli.Stdout);
        return (new Uri(match.Groups[1].Value), new Uri(match.Groups[2].Value));
    }

    /// <summary>Three user messages, each to its echo and reply; then the end request when <paramref name="end"/>.</summary>
    private static async Task<(List<Event> Events, int Rejected, int OtherSignals)> ConverseAsync((Uri Http, Uri WebSocket) address, bool end)
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var http = new HttpClient();
        var rest = new PolyChatRestClient(http, address.Http);
        var token = await rest.GetAccessTokenAsync("polychat-dev-connector", "localhost", timeout.Token);
        var sessionId = await rest.CreateSessionAsync(token, streamingEnabled: true, cancellationToken: timeout.Token);
        var events = new List<Event>();
        var rejected = 0;
        var signals = 0;
        await using (var session = await PolyChatSession.ConnectAsync(
            new SessionOptions { WebSocketAddress = address.WebSocket, SessionId = sessionId, AccessToken = token },
            timeout.Token))
        {
            session.FrameRejected += (_, _) => Interlocked.Increment(ref rejected);
            session.GapDeclared += (_, _) => Interlocked.Increment(ref signals);
            session.MessageAbandoned += (_, _) => Interlocked.Increment(ref signals);
            var replies = 0;
            var sent = 0;
            await foreach (var value in session.ReadEventsAsync(timeout.Token))
            {
                events.Add(value);
                if (value is not PolyAgentMessageEvent)
                {
                    continue;
                }

                if (++replies > 3)
                {
                    if (!end)
                    {
                        break;
                    }

                    await session.EndAsync();
                    continue;
                }

                sent++;
                await session.SendMessageAsync($"message {sent}");
            }
        }

        return (events, Volatile.Read(ref rejected), Volatile.Read(ref signals));
    }

    [GeneratedRegex(@"^PolyAI simulator on (http://127\.0\.0\.1:\d+/) \(WebSocket (ws://[^)]+)\)", RegexOptions.Multiline)]
    private static partial Regex Banner();
}
