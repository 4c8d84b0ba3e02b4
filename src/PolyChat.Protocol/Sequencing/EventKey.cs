using System;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace PolyChat.Protocol.Sequencing;

/// <summary>
/// The identity of a server event (the envelope's <c>id</c>), in a form that is compared and hashed
/// without allocating for the documented id form, a UUID.
/// </summary>
/// <remarks>
/// <para>
/// The server documents <c>id</c> as a UUID (PROTOCOL.md §1b). An id in the canonical 36-character form
/// (<c>xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c>, hex digits in either case) is stored as its exact
/// 128 bits, so two spellings that differ only in case are equal, and making such a key allocates nothing.
/// </para>
/// <para>
/// Any other id is <b>kept as a string</b> and compared ordinally. <see cref="FromString"/> keeps the
/// string it is given; <see cref="FromUtf8"/> allocates one, as does <see cref="FromString"/> for a
/// string with unpaired surrogates (they become U+FFFD, as <see cref="Encoding.UTF8"/> encodes them).
/// An id longer than 64 UTF-8 bytes is kept as <c>sha256:</c> and the hex SHA-256 of its UTF-8 bytes instead,
/// so a sequencer's id windows (<see cref="SequencerOptions.TransientIdWindow"/>,
/// <see cref="SequencerOptions.DeliveredIdWindow"/>) hold at most a few hundred bytes per id whatever a peer sends.
/// Such a text is longer than 64 characters, so it never equals a short id's own text.
/// A non-UUID id never equals a UUID id.
/// </para>
/// <para>
/// Hash codes are seeded per process, as string hash codes are (<see cref="HashCode"/> for UUIDs, the
/// randomized <see cref="string.GetHashCode()"/> otherwise), so a peer cannot choose ids that pile onto one bucket.
/// </para>
/// <para><c>default(EventKey)</c> means "no id" (<see cref="IsEmpty"/>); an empty input yields it too.</para>
/// </remarks>
public readonly struct EventKey : IEquatable<EventKey>
{
    private const int UuidLength = 36;

    // Longer ids are kept as a digest: the docs promise UUIDs, and a window of kept ids must not grow with a peer's whims.
    private const int MaxKeptBytes = 64;

    // Stands in _text for a UUID key. Kept texts never hold an unpaired surrogate (FromString replaces
    // them, UTF-8 decoding never produces them), so no kept text equals it, and one ordinal string
    // comparison tells the kinds apart as well as the texts.
    private const string UuidMarker = "\uD800";

    private readonly ulong _high;
    private readonly ulong _low;

    // Null: no id. UuidMarker: a UUID in _high and _low. Anything else: a non-UUID id's text, with _high and _low zero.
    private readonly string? _text;

    private EventKey(ulong high, ulong low, string text)
    {
        _high = high;
        _low = low;
        _text = text;
    }

    /// <summary>Gets a value indicating whether this is <c>default(EventKey)</c>, the absence of an id.</summary>
    public bool IsEmpty => _text is null;

    /// <summary>Gets a value indicating whether the id was a canonical UUID, stored as its 128 bits rather than as text.</summary>
    public bool IsUuid => ReferenceEquals(_text, UuidMarker);

    /// <summary>Creates a key from the UTF-8 bytes of the envelope's <c>id</c> string, without quotes.</summary>
    /// <param name="id">The id's UTF-8 bytes. Invalid sequences become U+FFFD, as <see cref="Encoding.UTF8"/> decodes them.</param>
    /// <returns>The key; <c>default</c> when <paramref name="id"/> is empty.</returns>
    /// <remarks>
    /// A canonical UUID allocates nothing; any other id allocates its string. Pass the string's value, not its
    /// JSON spelling: when <c>Utf8JsonReader.ValueIsEscaped</c> is true, unescape it first, so that
    /// <c>"a\u0062"</c> and <c>"ab"</c> give the same key.
    /// </remarks>
    public static EventKey FromUtf8(ReadOnlySpan<byte> id)
    {
        if (id.IsEmpty)
        {
            return default;
        }

        if (TryParseUuid(id, out ulong high, out ulong low))
        {
            return new EventKey(high, low, UuidMarker);
        }

        if (id.Length > MaxKeptBytes)
        {
            // Invalid sequences count as U+FFFD, as FromString sees them after decoding.
            return new EventKey(0, 0, Digest(Utf8.IsValid(id) ? id : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(id))));
        }

        return new EventKey(0, 0, Encoding.UTF8.GetString(id));
    }

    /// <summary>Creates a key from its string form. Equal to <see cref="FromUtf8"/> of the string's UTF-8 encoding.</summary>
    /// <param name="id">The id. Unpaired surrogates count as U+FFFD, as <see cref="Encoding.UTF8"/> encodes them.</param>
    /// <returns>The key; <c>default</c> when <paramref name="id"/> is empty.</returns>
    /// <remarks>A canonical UUID is stored as its bits; any other id keeps <paramref name="id"/> itself.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is <see langword="null"/>.</exception>
    public static EventKey FromString(string id)
    {
        ArgumentNullException.ThrowIfNull(id);

        if (id.Length == 0)
        {
            return default;
        }

        // A UUID is ASCII, so its UTF-16 and UTF-8 forms parse alike; anything non-ASCII fails both ways.
        if (TryParseUuid(id.AsSpan(), out ulong high, out ulong low))
        {
            return new EventKey(high, low, UuidMarker);
        }

        if (Encoding.UTF8.GetByteCount(id) > MaxKeptBytes)
        {
            return new EventKey(0, 0, Digest(Encoding.UTF8.GetBytes(id)));
        }

        return new EventKey(0, 0, HasUnpairedSurrogate(id) ? Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(id)) : id);
    }

    /// <summary>Compares two keys for equality.</summary>
    public static bool operator ==(EventKey left, EventKey right) => left.Equals(right);

    /// <summary>Compares two keys for inequality.</summary>
    public static bool operator !=(EventKey left, EventKey right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(EventKey other) =>
        _high == other._high && _low == other._low && string.Equals(_text, other._text);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EventKey other && Equals(other);

    /// <summary>Returns a hash code seeded per process: <see cref="HashCode"/> of a UUID's bits, or the text's randomized string hash.</summary>
    /// <remarks>
    /// A UUID's four 32-bit words go into <see cref="HashCode.Combine{T1, T2, T3, T4}"/> one by one: combining the two
    /// 64-bit halves would fold each to 32 bits first, and ids whose halves fold alike would collide whatever the seed.
    /// </remarks>
    public override int GetHashCode() =>
        _text is null ? 0
        : IsUuid ? HashCode.Combine((uint)_high, (uint)(_high >> 32), (uint)_low, (uint)(_low >> 32))
        : _text.GetHashCode();

    /// <summary>
    /// Returns the lower-case canonical form of a UUID id, the text of any other id, and an empty
    /// string for <c>default</c>.
    /// </summary>
    public override string ToString()
    {
        if (!IsUuid)
        {
            return _text ?? string.Empty;
        }

        Span<char> hex = stackalloc char[32];
        _high.TryFormat(hex, out _, "x16", CultureInfo.InvariantCulture);
        _low.TryFormat(hex[16..], out _, "x16", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}");
    }

    private static string Digest(ReadOnlySpan<byte> utf8) => "sha256:" + Convert.ToHexString(SHA256.HashData(utf8));

    private static bool HasUnpairedSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i]))
            {
                continue;
            }

            if (!char.IsHighSurrogate(text[i]) || i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
            {
                return true;
            }

            i++;
        }

        return false;
    }

    private static bool TryParseUuid<TChar>(ReadOnlySpan<TChar> text, out ulong high, out ulong low)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        high = 0;
        low = 0;
        if (text.Length != UuidLength)
        {
            return false;
        }

        ulong accumulator = 0;
        for (int i = 0; i < UuidLength; i++)
        {
            uint c = uint.CreateTruncating(text[i]);
            if (i is 8 or 13 or 18 or 23)
            {
                if (c != '-')
                {
                    return false;
                }

                continue;
            }

            uint digit = c - '0';
            if (digit > 9)
            {
                // Setting bit 5 folds 'A'..'F' onto 'a'..'f' and moves nothing else into that range.
                uint letter = (c | 0x20) - 'a';
                if (letter > 5)
                {
                    return false;
                }

                digit = letter + 10;
            }

            accumulator = (accumulator << 4) | digit;
            if (i == 17)
            {
                // Positions 0..17 hold the first 16 hex digits (two dashes skipped): the high half.
                high = accumulator;
                accumulator = 0;
            }
        }

        low = accumulator;
        return true;
    }
}
