using System;
using System.Threading;
using PolyChat.Protocol.Events;

namespace PolyChat.Testing.Faults;

/// <summary>
/// Decides the faults for each outbound live event from one seeded <see cref="Random"/>. Every decision draws
/// the same number of values in the same order, so one seed gives one fault pattern for one event stream.
/// </summary>
internal sealed class FaultInjector
{
    private readonly FaultOptions _options;
    private readonly Random _random;

    // A source of its own, so enabling hostile frames leaves the other faults of a seed as they were.
    private readonly HostileFrame[] _hostileFrames;
    private int _nextHostile;
    private readonly Lock _gate = new();

    public FaultInjector(FaultOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        _hostileFrames = options.HostileFrame > 0 ? HostileFrame.All(options.HostileFrameBytes) : [];
    }

    public FaultDecision Decide(Event value)
    {
        if (!_options.IsEnabled)
        {
            return FaultDecision.None;
        }

        lock (_gate)
        {
            var drop = _random.NextDouble() < _options.DropConnection;
            var duplicate = _random.NextDouble() < _options.DuplicateEvent;
            var reorder = _random.NextDouble() < _options.ReorderEvents;
            var delayed = _random.NextDouble() < _options.DelayEvent;
            var delay = delayed ? _options.MaxDelay * _random.NextDouble() : TimeSpan.Zero;
            var loseEcho = _random.NextDouble() < _options.LoseEcho && IsEcho(value);
            HostileFrame? hostile = null;
            if (_hostileFrames.Length > 0 && value.Sequence is long sequence
                && new Random(unchecked((_options.Seed * 486187739) + (int)sequence)).NextDouble() < _options.HostileFrame)
            {
                // Decided by the seed and the event's sequence alone, not by how many frames went before (heartbeat
                // echoes and reconnects vary with timing), so one seed gives the same hostile frames on every run;
                // the kinds take turns.
                hostile = _hostileFrames[_nextHostile];
                _nextHostile = (_nextHostile + 1) % _hostileFrames.Length;
            }

            return new FaultDecision(drop, duplicate, reorder, delay, loseEcho, hostile);
        }
    }

    // The four documented echoes; only they are delivery receipts a client may retry on.
    private static bool IsEcho(Event value) =>
        value is UserMessageEvent or UserEndSessionEvent or HeartbeatEvent or RequestPolyAgentJoinEvent;
}
