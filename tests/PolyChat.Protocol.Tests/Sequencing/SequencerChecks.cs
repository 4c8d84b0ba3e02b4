using System;
using PolyChat.Protocol.Sequencing;

namespace PolyChat.Protocol.Tests;

/// <summary>Relates the sequencer's internal <c>Check</c> to what <c>Offer</c> then did (kept apart from <see cref="TestIds"/>, which the CLI tests share).</summary>
internal static class SequencerChecks
{
    /// <summary>What <c>Check</c> must have predicted for an event that <c>Offer</c> then dealt with as <paramref name="offered"/>.</summary>
    public static SequencerCheck AsCheck(this SequencerDecision offered) => offered switch
    {
        SequencerDecision.Ready or SequencerDecision.Held => SequencerCheck.Accept,
        SequencerDecision.Duplicate => SequencerCheck.Duplicate,
        SequencerDecision.Stale => SequencerCheck.Stale,
        _ => throw new ArgumentOutOfRangeException(nameof(offered), offered, "Not a decision Offer returns."),
    };
}
