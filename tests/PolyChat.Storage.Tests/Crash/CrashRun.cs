using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace PolyChat.Storage.Tests.Crash;

/// <summary>
/// One seeded conversation through a stored session, driven by child processes that the parent kills with SIGKILL at
/// seeded moments and restarts, until a child finishes the conversation.
/// </summary>
internal sealed class CrashRun
{
    // A child that never reaches its moment is killed anyway after this long.
    private static readonly TimeSpan MomentTimeout = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(90);

    private readonly Random _random;
    private readonly string[] _arguments;
    private readonly LogTail _tail;

    public CrashRun(int seed, string[] arguments, string logPath)
    {
        _random = new Random(seed);
        _arguments = arguments;
        _tail = new LogTail(logPath);
    }

    /// <summary>Every line of the log, in order, across all children.</summary>
    public List<HandledLine> Lines { get; } = [];

    /// <summary>For each kill: the moment it aimed at, whether it got there, and the event in hand (the last one logged), if any.</summary>
    public List<(KillMoment Moment, bool Reached, string? InHand)> Kills { get; } = [];

    /// <summary>The output of the child that finished, or of the last one, for a failure's message.</summary>
    public string LastOutput { get; private set; } = string.Empty;

    /// <summary>The exit code of the child that finished the conversation.</summary>
    public int? FinalExitCode { get; private set; }

    public async Task RunAsync(int kills)
    {
        for (var k = 0; k < kills; k++)
        {
            var moment = (KillMoment)_random.Next(Enum.GetValues<KillMoment>().Length);
            using var child = CrashChildProcess.Start(_arguments);
            var segment = new List<HandledLine>();
            var (killed, reached) = await KillAtAsync(child, moment, segment);
            segment.AddRange(_tail.ReadNew());
            Lines.AddRange(segment);
            LastOutput = child.Output;
            if (!killed)
            {
                // It finished the conversation before its moment came.
                FinalExitCode = child.ExitCode;
                return;
            }

            Kills.Add((moment, reached, segment.LastOrDefault(line => line.Kind == "event")?.EventId));
        }

        using var last = CrashChildProcess.Start(_arguments);
        var finished = await last.WaitForExitAsync(FinishTimeout);
        Lines.AddRange(_tail.ReadNew());
        LastOutput = last.Output;
        FinalExitCode = finished ? last.ExitCode : null;
    }

    /// <summary>Waits for the moment (or the timeout) and kills; false when the child exited by itself first.</summary>
    private async Task<(bool Killed, bool Reached)> KillAtAsync(CrashChildProcess child, KillMoment moment, List<HandledLine> segment)
    {
        var clock = Stopwatch.StartNew();
        var anytime = TimeSpan.FromMilliseconds(_random.Next(100, 700));
        var historyDelay = _random.Next(0, 15);
        var awaitingEcho = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var batch = _tail.ReadNew();
            segment.AddRange(batch);
            foreach (var line in batch)
            {
                var reached = line switch
                {
                    { Kind: "log", Fields: [var id, ..] } when moment == KillMoment.History && id == "1" => true,
                    { Kind: "log", Fields: [var id, ..] } when moment == KillMoment.Repair && id == "3" => true,
                    { Kind: "accepted" } when moment == KillMoment.AwaitingEcho => awaitingEcho.Add(line.Field(0)),
                    { Kind: "event" } when moment == KillMoment.InStream => line.IsOpenChunk,
                    _ => false,
                };
                if (line.Kind == "receipt")
                {
                    awaitingEcho.Remove(line.Field(0));
                }

                if (reached)
                {
                    if (moment == KillMoment.History)
                    {
                        // Inside the replay: a few milliseconds after the connect.
                        await Task.Delay(historyDelay);
                    }

                    child.Kill();
                    return (true, true);
                }
            }

            if (child.HasExited)
            {
                return (false, false);
            }

            if (moment == KillMoment.Anytime && clock.Elapsed >= anytime)
            {
                child.Kill();
                return (true, true);
            }

            if (clock.Elapsed >= MomentTimeout)
            {
                child.Kill();
                return (true, false);
            }

            await Task.Delay(2);
        }
    }
}
