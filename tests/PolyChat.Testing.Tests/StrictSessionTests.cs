using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.WebSockets;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PolyChat.Protocol.Events;
using PolyChat.Testing.Tests.Support;
using Xunit;

namespace PolyChat.Testing.Tests;

/// <summary>The handshake and lifetime rules the docs state precisely (PROTOCOL.md §4b, §5d, §5e).</summary>
public sealed class StrictSessionTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-05-20T09:15:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task AnEndedSessionIsGoneTheUpgradeAnswers404SessionNotFound()
    {
        // §5e: 404 "session not found" for an unknown or expired session; an ended one cannot be resumed either (§4b).
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await harness.NewSessionAsync();
        await using (var socket = await harness.ConnectAsync(sessionId, token))
        {
            await socket.ReceiveBatchAsync(harness.Token);
            await socket.SendAsync(Frames.EndSession, harness.Token);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.ReceiveCloseAsync(harness.Token));
        }

        var (status, body) = await Handshake.RefusalAsync(harness.Http, harness.SocketUri(sessionId, token), harness.Token);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("session not found", body);
        Assert.True(harness.Simulator.GetSession(sessionId).IsEnded);
    }

    [Fact]
    public async Task ASessionExpiresAfterTenMinutesWithoutAClientFrameByDefault()
    {
        // §5d: session expiry after inactivity, about 10 min; §4b: an expired session cannot be resumed.
        var time = new FakeTimeProvider(Start);
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { TimeProvider = time, IdleTimeout = TimeSpan.FromHours(1) });
        var (token, sessionId) = await harness.NewSessionAsync();
        await using (var socket = await harness.ConnectAsync(sessionId, token))
        {
            await socket.ReceiveBatchAsync(harness.Token);
            time.Advance(TimeSpan.FromMinutes(9));
            await socket.SendAsync(Frames.Heartbeat, harness.Token);
            await socket.ReceiveLiveAsync(harness.Token);

            // Without the heartbeat's reset the session would have expired at minute 10.
            time.Advance(TimeSpan.FromMinutes(9));
            await socket.SendAsync(Frames.Heartbeat, harness.Token);
            Assert.IsType<HeartbeatEvent>(await socket.ReceiveLiveAsync(harness.Token));

            time.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.ReceiveCloseAsync(harness.Token));
        }

        var (status, body) = await Handshake.RefusalAsync(harness.Http, harness.SocketUri(sessionId, token), harness.Token);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("session not found", body);
        var end = Assert.IsType<SessionEndEvent>(harness.Simulator.GetSession(sessionId).Journal[^1]);
        Assert.Equal(SessionEndReason.UserAbandoned, end.Payload.Reason);
    }

    [Fact]
    public async Task SessionExpiryIsConfigurableAndCountsWithoutAnySocket()
    {
        var time = new FakeTimeProvider(Start);
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions { TimeProvider = time, SessionExpiry = TimeSpan.FromMinutes(2) });
        var (token, sessionId) = await harness.NewSessionAsync();

        time.Advance(TimeSpan.FromMinutes(1));
        await using (var socket = await harness.ConnectAsync(sessionId, token))
        {
            Assert.IsType<SessionStartEvent>((await socket.ReceiveBatchAsync(harness.Token))[0]);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        var (status, _) = await Handshake.RefusalAsync(harness.Http, harness.SocketUri(sessionId, token), harness.Token);
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task EndedSessionsBeyondTheRetainedNumberAreDroppedAndAnswer404()
    {
        // Ours: the simulator keeps live sessions and only the latest ended ones, so a long run does not grow.
        var time = new FakeTimeProvider(Start);
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions
        {
            TimeProvider = time,
            SessionExpiry = TimeSpan.FromMinutes(2),
            RetainedEndedSessions = 1,
        });
        var (firstToken, first) = await harness.NewSessionAsync();
        time.Advance(TimeSpan.FromSeconds(30));
        var (_, second) = await harness.NewSessionAsync();
        time.Advance(TimeSpan.FromSeconds(60));
        var (_, live) = await harness.NewSessionAsync();

        // The first expires at 2:00 and the second at 2:30 (no client frame for 2 minutes); the third lives on.
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal([second, live], harness.Simulator.Sessions.Select(s => s.Id).ToArray());
        Assert.Throws<KeyNotFoundException>(() => harness.Simulator.GetSession(first));
        Assert.True(harness.Simulator.GetSession(second).IsEnded);
        var (status, _) = await Handshake.RefusalAsync(harness.Http, harness.SocketUri(first, firstToken), harness.Token);
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task AnIdleSocketIsClosedWith1001AndTheSessionLivesOn()
    {
        // §5d: the idle timeout closes the connection; the session outlives it until its own expiry. 1001 is ours.
        var time = new FakeTimeProvider(Start);
        await using var harness = await SimulatorHarness.StartAsync(new SimulatorOptions
        {
            TimeProvider = time,
            IdleTimeout = TimeSpan.FromMinutes(1),
            SessionExpiry = TimeSpan.FromMinutes(10),
        });
        var (token, sessionId) = await harness.NewSessionAsync();
        await using (var socket = await harness.ConnectAsync(sessionId, token))
        {
            await socket.ReceiveBatchAsync(harness.Token);
            await socket.SendAsync(Frames.Heartbeat, harness.Token);
            await socket.ReceiveLiveAsync(harness.Token);
            time.Advance(TimeSpan.FromSeconds(59));
            await socket.SendAsync(Frames.Heartbeat, harness.Token);
            await socket.ReceiveLiveAsync(harness.Token);

            time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await socket.ReceiveCloseAsync(harness.Token));
        }

        await using var again = await harness.ConnectAsync(sessionId, token, "1");
        Assert.Equal(2, (await again.ReceiveBatchAsync(harness.Token)).Count);
        Assert.False(harness.Simulator.GetSession(sessionId).IsEnded);
    }

    [Fact]
    public async Task TenSocketsPerSessionByDefaultTheEleventhGets429()
    {
        // §5d / §5e: 10 concurrent sockets per session; the 11th handshake gets 429 "connection limit exceeded for session".
        await using var harness = await SimulatorHarness.StartAsync();
        var (token, sessionId) = await harness.NewSessionAsync();
        var sockets = new List<ChatSocket>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var socket = await harness.ConnectAsync(sessionId, token);
                sockets.Add(socket);
                await socket.ReceiveBatchAsync(harness.Token);
            }

            Assert.Equal(10, harness.Simulator.GetSession(sessionId).OpenSockets);
            var (status, body) = await Handshake.RefusalAsync(harness.Http, harness.SocketUri(sessionId, token), harness.Token);
            Assert.Equal(HttpStatusCode.TooManyRequests, status);
            Assert.Equal("connection limit exceeded for session", body);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AnUnknownSessionIs404WithTheDocumentedText()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        var token = await harness.GetTokenAsync();

        var (status, body) = await Handshake.RefusalAsync(harness.Http, harness.SocketUri(Guid.NewGuid().ToString(), token), harness.Token);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("session not found", body);
    }

    [Fact]
    public async Task TheJournalIsWhatAFullReplayCarries()
    {
        await using var harness = await SimulatorHarness.StartAsync();
        await using var socket = await harness.ConnectNewAsync();
        await socket.SendAsync(Frames.Join, harness.Token);
        var live = await socket.ReceiveUntilAsync(e => e is PolyAgentMessageEvent, harness.Token);

        var journal = harness.Simulator.Sessions.Single().Journal;

        Assert.Equal(live.Select(e => e.Id), journal.Skip(1).Select(e => e.Id));
        Assert.IsType<SessionStartEvent>(journal[0]);
    }
}
