using System;

namespace PolyChat.Cli.Schema;

/// <summary>Who a schema change breaks. A change that breaks nobody is <see cref="None"/>.</summary>
[Flags]
internal enum Compatibility
{
    /// <summary>Safe for C# consumers and on the wire in both directions.</summary>
    None = 0,

    /// <summary>Code written against the old generated types may no longer compile.</summary>
    CSharp = 1,

    /// <summary>An old reader cannot read (or loses data of) what a new writer sends.</summary>
    OldReader = 2,

    /// <summary>A new reader cannot read (or loses data of) what an old writer sends.</summary>
    NewReader = 4,
}
