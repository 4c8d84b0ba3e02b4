using System;
using System.Collections.Generic;

namespace PolyChat.Testing;

/// <summary>
/// The simulator's answers where PolyAI's docs leave the server's behaviour open (PROTOCOL.md §4b, §5g, §7
/// "Unconfirmed"). A client that is correct must give the same guarantees under every one of them: each event
/// once, in order, and every message settled. Use the named presets to test one answer at a time, or
/// <see cref="Random(int)"/> to have each session draw its own mix from a seed.
/// </summary>
public sealed partial record ServerBehavior
{
    /// <summary>The documented happy path: one replay batch, an empty batch when nothing is new, contiguous sequences.</summary>
    public static ServerBehavior Default { get; } = new();

    /// <summary>History replayed in several batches of random sizes (the docs say "one or more", §4a).</summary>
    public static ServerBehavior SplitHistory { get; } = new() { Name = "split-history", SplitHistoryBatches = true };

    /// <summary>No batch at all when nothing is newer than the cursor (§4b leaves it open).</summary>
    public static ServerBehavior NoEmptyBatch { get; } = new() { Name = "no-empty-batch", EmptyBatchWhenNothingNew = false };

    /// <summary><c>SESSION_START</c> sent again at the head of every cursor replay (§4b leaves it open).</summary>
    public static ServerBehavior RepeatSessionStart { get; } = new() { Name = "repeat-session-start", RepeatSessionStartOnResume = true };

    /// <summary>Sequences increase but skip numbers: "monotonic" is all the docs promise (§1b).</summary>
    public static ServerBehavior SequenceHoles { get; } = new() { Name = "sequence-holes", SequenceHoleRate = 0.3 };

    /// <summary>Error system messages get a sequence and are journaled (§8 leaves it open).</summary>
    public static ServerBehavior SequencedErrors { get; } = new() { Name = "sequenced-errors", ErrorsHaveSequence = true };

    /// <summary>The session ends with a 1000 close and no <c>SESSION_END</c> frame on the socket (§5g).</summary>
    public static ServerBehavior SilentEnd { get; } = new() { Name = "silent-end", SendSessionEndBeforeClose = false };

    /// <summary>An unknown, ended or expired session is refused with a 4001 close after the upgrade, not HTTP 404 (§5g).</summary>
    public static ServerBehavior Close4001 { get; } = new() { Name = "close-4001", UnknownSessionCloses4001 = true };

    /// <summary>Sockets dropped without a close handshake at random points (an abrupt network loss).</summary>
    public static ServerBehavior AbruptDrops { get; } = new() { Name = "abrupt-drops", DropRate = 0.08 };

    /// <summary>The replay holds a <c>POLY_AGENT_MESSAGE</c> with an empty payload, a shape the docs do not rule out.</summary>
    public static ServerBehavior LenientShapes { get; } = new() { Name = "lenient-shapes", LenientShapesInReplay = true };

    /// <summary>Every open answer at its least convenient for a client, all at once.</summary>
    public static ServerBehavior Adversarial { get; } = new()
    {
        Name = "adversarial",
        SplitHistoryBatches = true,
        EmptyBatchWhenNothingNew = false,
        RepeatSessionStartOnResume = true,
        SequenceHoleRate = 0.3,
        ErrorsHaveSequence = true,
        SendSessionEndBeforeClose = false,
        UnknownSessionCloses4001 = true,
        DropRate = 0.08,
        LenientShapesInReplay = true,
    };

    /// <summary>Every named preset, <see cref="Default"/> first.</summary>
    public static IReadOnlyList<ServerBehavior> Presets { get; } =
    [
        Default, SplitHistory, NoEmptyBatch, RepeatSessionStart, SequenceHoles, SequencedErrors, SilentEnd, Close4001,
        AbruptDrops, LenientShapes, Adversarial,
    ];

    /// <summary>The preset's name (<c>default</c>, <c>split-history</c>, …, or <c>random:&lt;seed&gt;</c>).</summary>
    public string Name { get; init; } = "default";

    /// <summary>Seed of the per-session random source (batch sizes, holes, drops, and the draw of <see cref="Random(int)"/>).</summary>
    public int Seed { get; init; }

    /// <summary>Whether each session draws its own answers from <see cref="Seed"/> (see <see cref="Random(int)"/>).</summary>
    public bool RandomizePerSession { get; init; }

    /// <summary>Split a replay into batches of 1 to <see cref="MaxBatchSize"/> events instead of one batch.</summary>
    public bool SplitHistoryBatches { get; init; }

    /// <summary>The largest batch when <see cref="SplitHistoryBatches"/> is on.</summary>
    public int MaxBatchSize { get; init; } = 2;

    /// <summary>
    /// The pause before each replay batch after the first, on the simulator's clock: a slow history. Longer than a
    /// client's wait for "the last batch" makes it take the history as complete too early. Zero (the default) sends
    /// the batches back to back.
    /// </summary>
    public TimeSpan ReplayBatchDelay { get; init; }

    /// <summary>Send an empty batch when nothing is newer than the cursor; false sends no batch at all.</summary>
    public bool EmptyBatchWhenNothingNew { get; init; } = true;

    /// <summary>Put <c>SESSION_START</c> (with its original id and sequence) at the head of a replay that starts after it.</summary>
    public bool RepeatSessionStartOnResume { get; init; }

    /// <summary>Probability that the journal skips 1 to 3 sequence numbers before an event; 0 keeps them contiguous.</summary>
    public double SequenceHoleRate { get; init; }

    /// <summary>Error system messages caused by a client frame get a sequence (journaled, sent to every socket) instead of null (sent to that socket only).</summary>
    public bool ErrorsHaveSequence { get; init; }

    /// <summary>Send <c>SESSION_END</c> before the 1000 close; false closes with 1000 alone (the event is still journaled).</summary>
    public bool SendSessionEndBeforeClose { get; init; } = true;

    /// <summary>Refuse an unknown, ended or expired session with a 4001 close after the upgrade instead of HTTP 404.</summary>
    public bool UnknownSessionCloses4001 { get; init; }

    /// <summary>
    /// Probability of aborting every socket of the session in front of a live event (which stays journaled, so a
    /// cursor reconnect replays it). Never in front of the end-session echo or <c>SESSION_END</c>: after those the
    /// session is gone and no client could learn how it ended (our rule).
    /// </summary>
    public double DropRate { get; init; }

    /// <summary>The most drops one session suffers, so a conversation always finishes.</summary>
    public int MaxDropsPerSession { get; init; } = 3;

    /// <summary>Journal a <c>POLY_AGENT_MESSAGE</c> right after <c>SESSION_START</c> that replays with an empty payload (<c>{}</c>).</summary>
    public bool LenientShapesInReplay { get; init; }

    /// <summary>
    /// The text of the error that answers a client frame over the size limit. The docs give the limit (§5d) but not
    /// the text; the default is <c>Message too large</c>, the one PolyAI's SDK knows (§6, [SDK]). A profile built from a
    /// probe report (<see cref="FromProbeReport(string)"/>) sets the text the probed server sent.
    /// </summary>
    public string OversizedFrameMessage { get; init; } = "Message too large";

    /// <summary>A behaviour where every session draws each open answer at random from <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed; the same seed gives the same answers to the same sessions in the same order.</param>
    /// <returns>The behaviour, named <c>random:&lt;seed&gt;</c>.</returns>
    public static ServerBehavior Random(int seed) => new() { Name = FormattableString.Invariant($"random:{seed}"), Seed = seed, RandomizePerSession = true };

    /// <summary>A preset by name (case-insensitive), or <c>random</c> with <paramref name="seed"/>.</summary>
    /// <param name="name">A preset's <see cref="Name"/>, or <c>random</c>.</param>
    /// <param name="seed">The seed for <c>random</c>, and of the per-session source of a preset.</param>
    /// <returns>The behaviour.</returns>
    /// <exception cref="ArgumentException">No preset has that name.</exception>
    public static ServerBehavior FromName(string name, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.Equals(name, "random", StringComparison.OrdinalIgnoreCase))
        {
            return Random(seed);
        }

        foreach (var preset in Presets)
        {
            if (string.Equals(preset.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return preset with { Seed = seed };
            }
        }

        throw new ArgumentException($"Unknown server behaviour '{name}'. Known: random, {string.Join(", ", PresetNames())}.", nameof(name));
    }

    /// <summary>The concrete answers for one session: itself, or a fresh draw when <see cref="RandomizePerSession"/>.</summary>
    /// <param name="ordinal">The session's place in creation order: 1 for the simulator's first session.</param>
    /// <returns>A behaviour with <see cref="RandomizePerSession"/> off.</returns>
    public ServerBehavior ForSession(int ordinal)
    {
        if (!RandomizePerSession)
        {
            return this;
        }

        var random = new System.Random(SessionSeed(ordinal));
        return this with
        {
            RandomizePerSession = false,
            SplitHistoryBatches = random.Next(2) == 0,
            EmptyBatchWhenNothingNew = random.Next(2) == 0,
            RepeatSessionStartOnResume = random.Next(2) == 0,
            SequenceHoleRate = random.Next(2) == 0 ? 0 : 0.3,
            ErrorsHaveSequence = random.Next(2) == 0,
            SendSessionEndBeforeClose = random.Next(2) == 0,
            UnknownSessionCloses4001 = random.Next(2) == 0,
            DropRate = random.Next(2) == 0 ? 0 : 0.08,
            LenientShapesInReplay = random.Next(2) == 0,
        };
    }

    /// <summary>The seed of one session's own random source.</summary>
    internal int SessionSeed(int ordinal) => unchecked((Seed * 1_000_003) + ordinal);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Name);
        ArgumentException.ThrowIfNullOrEmpty(OversizedFrameMessage);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxDropsPerSession);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReplayBatchDelay, TimeSpan.Zero, nameof(ReplayBatchDelay));
        foreach (var probability in (ReadOnlySpan<double>)[SequenceHoleRate, DropRate])
        {
            if (!(probability >= 0 && probability <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(SimulatorOptions.Behavior), probability, "Behaviour probabilities are between 0 and 1.");
            }
        }
    }

    private static IEnumerable<string> PresetNames()
    {
        foreach (var preset in Presets)
        {
            yield return preset.Name;
        }
    }
}
