using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Testing.Probing;

/// <summary>
/// Opens the probe's sockets on one session and keeps the run's tallies: sockets opened (and at most at once),
/// frames sent, drops the server caused, and what batch wrappers looked like. The access token is only ever in
/// the address built here, which nothing records.
/// </summary>
internal sealed class ProbeSockets
{
    private readonly Uri _webSocketAddress;
    private readonly string _sessionId;
    private readonly string _accessToken;
    private int _ordinal;

    public ProbeSockets(Uri webSocketAddress, string sessionId, string accessToken, TimeProvider time, TimeSpan frameTimeout)
    {
        _webSocketAddress = webSocketAddress;
        _sessionId = sessionId;
        _accessToken = accessToken;
        Time = time;
        FrameTimeout = frameTimeout;
    }

    public TimeProvider Time { get; }

    /// <summary>The wait for a frame the server should send at once (an echo, an error, a close).</summary>
    public TimeSpan FrameTimeout { get; }

    public int SocketsOpened => _ordinal;

    public int FramesSent { get; set; }

    /// <summary>One line per connection the server ended without a close frame.</summary>
    public List<string> Drops { get; } = [];

    /// <summary>The first batch wrapper seen, with the envelope fields it had.</summary>
    public (string Frame, IReadOnlyList<string> Fields)? FirstBatchWrapper { get; private set; }

    /// <summary>Opens a socket on the session, after <paramref name="cursor"/> when given.</summary>
    public Task<ProbeConnectResult> ConnectAsync(long? cursor, CancellationToken cancellationToken) =>
        ProbeSocket.ConnectAsync(Address(cursor), Interlocked.Increment(ref _ordinal), cancellationToken);

    public void NoteDrop(string line) => Drops.Add(line);

    /// <summary>Notes what a received frame shows beyond its events.</summary>
    public void Record(ServerFrame frame, int socket)
    {
        if (frame.IsBatch && FirstBatchWrapper is null)
        {
            FirstBatchWrapper = ($"socket {socket}: EVENT_BATCH wrapper keys: {string.Join(", ", frame.WrapperKeys)}", frame.WrapperFields);
        }
    }

    private Uri Address(long? cursor)
    {
        var query = new StringBuilder(_webSocketAddress.Query.Length == 0 ? "?" : _webSocketAddress.Query + "&");
        query.Append("session_id=").Append(Uri.EscapeDataString(_sessionId));
        query.Append("&access_token=").Append(Uri.EscapeDataString(_accessToken));
        if (cursor is { } value)
        {
            query.Append("&cursor=").Append(value.ToString(CultureInfo.InvariantCulture));
        }

        return new UriBuilder(_webSocketAddress) { Query = query.ToString()[1..] }.Uri;
    }
}
