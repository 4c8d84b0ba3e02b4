using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// The CPU-heavy property tests of the runtime components run in this collection, after the parallel ones and
/// alone, so that they do not slow down the timing-sensitive sequencer tests running beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialPropertyCollection
{
    public const string Name = "Runtime property tests (serial)";
}
