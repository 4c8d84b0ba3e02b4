using System;

namespace PolyChat.Protocol.Client;

/// <summary>
/// A PolyAI access token (a JWT). Its value is a secret: <see cref="ToString"/> never shows it, and no
/// exception or log message of this library contains it.
/// </summary>
public sealed class AccessToken
{
    /// <summary>Creates a token.</summary>
    /// <param name="value">The JWT.</param>
    /// <param name="expiresIn">Its lifetime, as the server reported it.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is empty.</exception>
    public AccessToken(string value, TimeSpan expiresIn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        Value = value;
        ExpiresIn = expiresIn;
    }

    /// <summary>The JWT. Treat it as a secret.</summary>
    public string Value { get; }

    /// <summary>The lifetime the server gave it (<c>expires_in</c>).</summary>
    public TimeSpan ExpiresIn { get; }

    /// <summary>Never the token itself.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"AccessToken(redacted, expires in {ExpiresIn})";
}
