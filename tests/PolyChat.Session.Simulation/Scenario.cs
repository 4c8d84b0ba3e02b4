using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace PolyChat.Session.Simulation;

/// <summary>What happens at one moment of a run: an app action or a lever the server pulls.</summary>
public enum StepKind
{
    /// <summary>The app sends a user message.</summary>
    Send,

    /// <summary>The app calls <c>EndAsync</c>.</summary>
    End,

    /// <summary>The app disposes the session.</summary>
    Dispose,

    /// <summary>The server drops every socket without a close.</summary>
    Drop,

    /// <summary>The server refuses the next <c>Count</c> handshakes with <c>Status</c>.</summary>
    Refuse,

    /// <summary>The server ends the session (<c>SESSION_END</c>, then 1000).</summary>
    ServerEnd,

    /// <summary>The server publishes a live-agent message.</summary>
    Publish,
}

/// <summary>One scripted moment.</summary>
public sealed record Step(TimeSpan At, StepKind Kind, int Status = 0, int Count = 0);

/// <summary>How the application behaves while it reads and handles signals.</summary>
public sealed record AppProfile
{
    public bool ThrowOnFrameRejected { get; init; }

    public bool ThrowOnGapDeclared { get; init; }

    public bool ThrowOnMessageAbandoned { get; init; }

    public bool ThrowOnDeliveryUpdated { get; init; }

    /// <summary>The longest pause after an event (drawn per event); zero reads at once.</summary>
    public TimeSpan MaxReadDelay { get; init; }

    /// <summary>After this many events the reader stalls for <see cref="StallFor"/>; -1 never.</summary>
    public int StallAfter { get; init; } = -1;

    public TimeSpan StallFor { get; init; }
}

/// <summary>
/// Everything one seed decides: the server's answers to the open questions, its faults and limits, the
/// capabilities it advertises, the app's habits and the script of actions and levers over virtual time.
/// </summary>
public sealed record Scenario
{
    public required int Seed { get; init; }

    public required PolyChat.Testing.ServerBehavior Behavior { get; init; }

    public required PolyChat.Testing.FaultOptions Faults { get; init; }

    public required int HeartbeatSeconds { get; init; }

    public required int MaxReconnectHint { get; init; }

    public required TimeSpan IdleTimeout { get; init; }

    public required TimeSpan SessionExpiry { get; init; }

    public required bool Streaming { get; init; }

    /// <summary>Handshakes refused before <c>ConnectAsync</c> (status, count), or null.</summary>
    public (int Status, int Count)? RefuseFirst { get; init; }

    public required AppProfile App { get; init; }

    public required IReadOnlyList<Step> Steps { get; init; }

    /// <summary>Draws a scenario from <paramref name="seed"/>; the same seed always gives the same scenario.</summary>
    public static Scenario Generate(int seed)
    {
        var random = new Random(seed);
        T Pick<T>(params T[] values) => values[random.Next(values.Length)];
        bool Chance(double p) => random.NextDouble() < p;

        var behavior = new PolyChat.Testing.ServerBehavior
        {
            Name = string.Create(CultureInfo.InvariantCulture, $"sim:{seed}"),
            Seed = seed,
            SplitHistoryBatches = Chance(0.5),
            MaxBatchSize = random.Next(1, 4),
            EmptyBatchWhenNothingNew = !Chance(0.35),
            RepeatSessionStartOnResume = Chance(0.3),
            SequenceHoleRate = Pick(0, 0, 0, 0.2, 0.5),
            ErrorsHaveSequence = Chance(0.3),
            SendSessionEndBeforeClose = !Chance(0.25),
            UnknownSessionCloses4001 = Chance(0.3),
            DropRate = Pick(0, 0, 0.05, 0.15),
            MaxDropsPerSession = random.Next(0, 6),
            ReplayBatchDelay = TimeSpan.FromMilliseconds(Pick(0, 0, 0, 200, 700, 2000)),
        };
        var faults = Chance(0.5)
            ? PolyChat.Testing.FaultOptions.None
            : new PolyChat.Testing.FaultOptions
            {
                Seed = seed,
                DropConnection = Pick(0, 0, 0.03, 0.1),
                DuplicateEvent = Pick(0, 0.1),
                ReorderEvents = Pick(0, 0.1),
                DelayEvent = Pick(0, 0.2),
                MaxDelay = TimeSpan.FromMilliseconds(Pick(200, 3000, 20000)),
                LoseEcho = Pick(0, 0.2, 0.5),
                HostileFrame = Pick(0, 0, 0, 0.05),
                HostileFrameBytes = (1 << 20) + 1024,
            };
        var app = new AppProfile
        {
            ThrowOnFrameRejected = Chance(0.15),
            ThrowOnGapDeclared = Chance(0.15),
            ThrowOnMessageAbandoned = Chance(0.15),
            ThrowOnDeliveryUpdated = Chance(0.1),
            MaxReadDelay = Chance(0.6) ? TimeSpan.Zero : TimeSpan.FromMilliseconds(random.Next(100, 3000)),
            StallAfter = Chance(0.15) ? random.Next(1, 20) : -1,
            StallFor = TimeSpan.FromSeconds(random.Next(5, 120)),
        };

        var steps = new List<Step>();
        var count = random.Next(1, 8);
        for (var i = 0; i < count; i++)
        {
            var at = TimeSpan.FromMilliseconds(random.Next(0, 180_000));
            var roll = random.Next(100);
            steps.Add(roll switch
            {
                < 45 => new Step(at, StepKind.Send),
                < 62 => new Step(at, StepKind.Drop),
                < 74 => new Step(at, StepKind.Refuse, Pick(429, 500, 502, 503, 503, 404), random.Next(1, 5)),
                < 92 => new Step(at, StepKind.Publish),
                _ => new Step(at, StepKind.ServerEnd),
            });
        }

        var finish = TimeSpan.FromMilliseconds(random.Next(0, 200_000));
        switch (random.Next(4))
        {
            case 0:
                steps.Add(new Step(finish, StepKind.End));
                if (Chance(0.3))
                {
                    steps.Add(new Step(finish + TimeSpan.FromMilliseconds(random.Next(0, 40_000)), StepKind.Dispose));
                }

                break;
            case 1:
                steps.Add(new Step(finish, StepKind.Dispose));
                break;
            case 2:
                steps.Add(new Step(finish, StepKind.ServerEnd));
                break;
            default:
                // Nobody ends it: heartbeats, expiry or the run's limit decide.
                break;
        }

        return new Scenario
        {
            Seed = seed,
            Behavior = behavior,
            Faults = faults,
            HeartbeatSeconds = Pick(30, 30, 30, 5, 0, -1, 4294968, int.MaxValue),
            MaxReconnectHint = Pick(5, 5, 1, 10),
            IdleTimeout = TimeSpan.FromSeconds(Pick(600, 600, 45, 20)),
            SessionExpiry = TimeSpan.FromSeconds(Pick(600, 600, 90)),
            Streaming = Chance(0.5),
            RefuseFirst = Chance(0.08) ? (Pick(404, 429, 503), 1) : null,
            App = app,
            Steps = [.. steps.OrderBy(s => s.At)],
        };
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"seed {Seed}: streaming {Streaming}, heartbeat {HeartbeatSeconds}s, reconnect hint {MaxReconnectHint}, idle {IdleTimeout}, expiry {SessionExpiry}, refuse first {RefuseFirst}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  behaviour {Behavior}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  faults {Faults}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  app {App}");
        foreach (var step in Steps)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {step.At.TotalSeconds,8:F3}s {step.Kind} {(step.Kind == StepKind.Refuse ? $"{step.Status} x{step.Count}" : string.Empty)}");
        }

        return text.ToString();
    }
}
