namespace PolyChat.Cli;

/// <summary>The process exit codes, as documented in <c>polychat --help</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Everything was read and delivered.</summary>
    public const int Success = 0;

    /// <summary>At least one line or file could not be read as an event.</summary>
    public const int Rejected = 1;

    /// <summary>The command line is wrong.</summary>
    public const int Usage = 2;

    /// <summary>Everything was read, but sequences were missing (a gap was declared).</summary>
    public const int Gap = 3;

    /// <summary><c>schema diff</c> found a breaking change that is not accepted.</summary>
    public const int Breaking = 4;

    /// <summary><c>probe</c> was not confirmed (no <c>--yes</c>, and no "y" at the prompt): nothing was sent.</summary>
    public const int NotConfirmed = 5;

    /// <summary><c>probe</c> could not get a token or create a session: nothing was sent over a socket.</summary>
    public const int ProbeFailed = 6;

    /// <summary><c>sessions</c> could not read the store: a missing SQLite file, a database that is not a session store, a server that refused.</summary>
    public const int StoreUnavailable = 7;

    /// <summary><c>sessions show</c>: the store holds no session with that id.</summary>
    public const int SessionNotFound = 8;
}
