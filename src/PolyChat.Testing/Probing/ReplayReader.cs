using System;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Testing.Probing;

/// <summary>
/// Reads one replay: a fresh socket after a cursor, a barrier frame sent at once, then every frame until the
/// barrier's error comes back. A server queues the replay when the socket opens, before it reads anything, so
/// the barrier's answer marks its end without a guess at timing; a drop ends it too (what was queued before is
/// sent first). With a settle time, frames are read a little longer to catch a server that answers out of order.
/// </summary>
internal static class ReplayReader
{
    public static async Task<ReplayObservation> ReadAsync(ProbeSockets sockets, long? cursor, string marker, TimeSpan settle, CancellationToken cancellationToken)
    {
        var observation = new ReplayObservation { Cursor = cursor };
        var connected = await sockets.ConnectAsync(cursor, cancellationToken).ConfigureAwait(false);
        if (connected.Socket is not { } socket)
        {
            return observation with { Refused = connected.DescribeRefusal(), RefusedStatus = connected.Status };
        }

        await using (socket.ConfigureAwait(false))
        {
            try
            {
                await socket.SendAsync(ProbeFrames.Barrier(marker), cancellationToken).ConfigureAwait(false);
                sockets.FramesSent++;
            }
            catch (Exception exception) when (exception is System.Net.WebSockets.WebSocketException or System.IO.IOException)
            {
                // The socket is gone already: the reading below finds out how.
            }

            var answered = false;
            var deadline = sockets.Time.GetUtcNow() + sockets.FrameTimeout;
            while (true)
            {
                var left = deadline - sockets.Time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                var frame = await socket.NextAsync(left, sockets.Time, cancellationToken).ConfigureAwait(false);
                if (frame is null)
                {
                    break;
                }

                if (frame.Kind == ProbeFrameKind.Dropped)
                {
                    sockets.NoteDrop($"socket {socket.Ordinal} ({observation.CursorText}): {frame.Describe()}");
                    observation.Ending = answered ? observation.Ending : "drop";
                    break;
                }

                if (frame.Kind == ProbeFrameKind.Closed)
                {
                    observation.Ending = answered ? observation.Ending : $"close {frame.CloseStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}";
                    break;
                }

                var read = ServerFrame.Read(frame.Text!, socket.Ordinal);
                sockets.Record(read, socket.Ordinal);
                if (read.IsBatch)
                {
                    if (answered)
                    {
                        observation.LateBatches++;
                    }

                    observation.Batches.Add([.. read.Events]);
                    continue;
                }

                foreach (var value in read.Events)
                {
                    if (!answered && IsAnswer(value, marker))
                    {
                        answered = true;
                        deadline = sockets.Time.GetUtcNow() + settle;
                        observation.Ending = "barrier";
                        observation.BarrierAnswer = value;
                    }
                    else
                    {
                        observation.Others.Add(value);
                    }
                }
            }

            await socket.CloseAsync(sockets.FrameTimeout, sockets.Time).ConfigureAwait(false);
        }

        return observation;
    }

    /// <summary>The barrier's error: tagged with its marker, or (from a server that does not echo metadata on errors) untagged.</summary>
    public static bool IsAnswer(ProbeEvent value, string marker) =>
        value.IsError && (value.Marker == marker || value.Custom is null);
}
