using System;

namespace PolyChat.Testing.Probing;

/// <summary>A step of the probe cannot go on (the first connect refused, say); the run stops and reports what it has.</summary>
internal sealed class ProbeStepException : Exception
{
    public ProbeStepException(string message)
        : base(message)
    {
    }
}
