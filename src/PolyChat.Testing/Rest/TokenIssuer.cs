using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace PolyChat.Testing.Rest;

/// <summary>
/// Issues opaque JWT-shaped access tokens and checks them. The token is never decoded: the simulator only
/// remembers which tokens it issued and when each expires.
/// </summary>
internal sealed class TokenIssuer
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public TokenIssuer(TimeSpan lifetime, TimeProvider time)
    {
        Lifetime = lifetime;
        _time = time;
    }

    public TimeSpan Lifetime { get; }

    public string Issue()
    {
        var expires = _time.GetUtcNow() + Lifetime;
        var claims = $$"""{"sub":"simulator","exp":{{expires.ToUnixTimeSeconds()}}}""";
        var token = string.Join(
            '.',
            Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray()),
            Base64Url(Encoding.UTF8.GetBytes(claims)),
            Base64Url(RandomNumberGenerator.GetBytes(32)));
        _expiries[token] = expires;
        return token;
    }

    public bool IsValid(string token) =>
        _expiries.TryGetValue(token, out var expires) && _time.GetUtcNow() < expires;

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
