using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace PolyChat.Session.Simulation;

/// <summary>
/// One seed per distinct defect the simulation found in the session of 2026-07 (see README.md). Each fails until
/// its defect is fixed; each checks only the promise its defect breaks, so a fix shows up as one test turning green.
/// </summary>
public sealed class DefectRegressionTests(ITestOutputHelper output)
{
    [Fact]
    public void HeartbeatIntervalBeyondTheTimerLimitDoesNotKillTheSession() => AssertKept(2, "dispose-throws", "stream-not-completed");

    [Fact]
    public void NoSessionTimerFiresAfterDispose() => AssertKept(7, "timer-after-dispose");

    [Fact]
    public void SendAfterDisposeSettlesOrThrows() => AssertKept(101, "message-never-settled", "app-call-hangs");

    [Fact]
    public void EventsTheJournalHoldsAreNeverCountedAsSkippedSequences() => AssertKept(12, "event-lost-silently");

    [Fact]
    public void MessagesSettleWithin35SecondsOnAFlappingLink() => AssertKept(643, "settled-late");

    [Fact]
    public void MessagesAreSentAtMostFourTimesAcrossReconnects() => AssertKept(1479, "sent-too-often");

    private void AssertKept(int seed, params string[] kinds)
    {
        var result = SimulationTests.RunOnDedicatedThread(() => SimulationRun.Execute(Scenario.Generate(seed)));
        var broken = result.Violations.Where(v => kinds.Contains(v.Kind)).ToList();
        if (broken.Count > 0)
        {
            output.WriteLine(result.Trace);
        }

        Assert.True(broken.Count == 0, $"seed {seed}: " + string.Join("; ", broken));
    }
}
