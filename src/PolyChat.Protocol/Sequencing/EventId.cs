using System;
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Unicode;

namespace PolyChat.Protocol;

/// <summary>
/// The identity of a server event (the envelope's <c>id</c>), reduced to a fixed-size value that
/// can be compared and hashed without keeping the original string.
/// </summary>
/// <remarks>
/// <para>
/// The server documents <c>id</c> as a UUID. An id in the canonical 36-character form
/// (<c>xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c>, hex digits in either case) is stored as its exact
/// 128 bits, so two spellings that differ only in case are equal.
/// </para>
/// <para>
/// Any other id is <b>compared by a 128-bit hash</b> (MurmurHash3 x64/128 of its UTF-8 bytes)
/// together with its UTF-8 length. Two different non-UUID ids are therefore equal only if their
/// hashes collide, which for the few thousand ids a sequencer remembers is far less likely than a
/// hardware error. A hashed id never equals a UUID id: each carries a kind flag.
/// </para>
/// <para>
/// <c>default(EventId)</c> means "no id" (<see cref="IsEmpty"/>); an empty input yields it too.
/// Creating an <see cref="EventId"/> does not allocate.
/// </para>
/// </remarks>
public readonly struct EventId : IEquatable<EventId>
{
    private const int UuidLength = 36;
    private const ulong KindMask = 0b11;
    private const ulong KindUuid = 0b01;
    private const ulong KindHashed = 0b10;
    private const int LengthShift = 2;

    // Large enough that typical ids transcode in one pass; FromString loops for longer ones.
    private const int TranscodeBufferSize = 256;

    // Ids come off the network, so hash-table placement is keyed per process, as string hashing is:
    // a peer cannot precompute ids that pile onto one slot. Odd keys, so neither is ever zero.
    private static readonly ulong s_hashKeyHigh = (ulong)Random.Shared.NextInt64() | 1;
    private static readonly ulong s_hashKeyLow = (ulong)Random.Shared.NextInt64() | 1;

    private readonly ulong _high;
    private readonly ulong _low;

    // Bits 0-1: the kind (0 for default). Bits 2-63: the UTF-8 length of a hashed id.
    private readonly ulong _tag;

    private EventId(ulong high, ulong low, ulong tag)
    {
        _high = high;
        _low = low;
        _tag = tag;
    }

    /// <summary>Gets a value indicating whether this is <c>default(EventId)</c>, the absence of an id.</summary>
    public bool IsEmpty => _tag == 0;

    /// <summary>Gets a value indicating whether the id was a canonical UUID, stored exactly rather than hashed.</summary>
    public bool IsUuid => (_tag & KindMask) == KindUuid;

    /// <summary>Creates an id from the UTF-8 bytes of the envelope's <c>id</c> string, without quotes.</summary>
    /// <param name="id">The id's UTF-8 bytes. Bytes that are not valid UTF-8 are hashed as they are.</param>
    /// <returns>The id; <c>default</c> when <paramref name="id"/> is empty.</returns>
    /// <remarks>
    /// Pass the string's value, not its JSON spelling: when <c>Utf8JsonReader.ValueIsEscaped</c> is
    /// true, unescape it first (<c>Utf8JsonReader.CopyString</c> into a stack buffer), so that
    /// <c>"a\u0062"</c> and <c>"ab"</c> give the same id.
    /// </remarks>
    public static EventId FromUtf8(ReadOnlySpan<byte> id)
    {
        if (id.IsEmpty)
        {
            return default;
        }

        if (TryParseUuid(id, out ulong high, out ulong low))
        {
            return new EventId(high, low, KindUuid);
        }

        MurmurHash3.Hash(id, out high, out low);
        return Hashed(high, low, id.Length);
    }

    /// <summary>Creates an id from its string form. Equal to <see cref="FromUtf8"/> of the string's UTF-8 encoding.</summary>
    /// <param name="id">The id. Unpaired surrogates count as U+FFFD, as <see cref="System.Text.Encoding.UTF8"/> encodes them.</param>
    /// <returns>The id; <c>default</c> when <paramref name="id"/> is empty.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is <see langword="null"/>.</exception>
    public static EventId FromString(string id)
    {
        ArgumentNullException.ThrowIfNull(id);

        ReadOnlySpan<char> remaining = id;
        if (remaining.IsEmpty)
        {
            return default;
        }

        // A UUID is ASCII, so its UTF-16 and UTF-8 forms parse alike; anything non-ASCII fails both ways.
        if (TryParseUuid(remaining, out ulong high, out ulong low))
        {
            return new EventId(high, low, KindUuid);
        }

        // Transcode through a stack buffer and hash whole blocks as they fill, carrying the partial
        // block over, so an id of any length hashes exactly as its UTF-8 bytes would.
        Span<byte> buffer = stackalloc byte[TranscodeBufferSize];
        var hasher = default(MurmurHash3);
        long utf8Length = 0;
        int carried = 0;
        OperationStatus status;
        do
        {
            status = Utf8.FromUtf16(remaining, buffer[carried..], out int read, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            Debug.Assert(status is OperationStatus.Done or OperationStatus.DestinationTooSmall, "Replacing invalid input leaves only these outcomes.");

            remaining = remaining[read..];
            utf8Length += written;
            int filled = carried + written;
            int whole = filled & ~(MurmurHash3.BlockSize - 1);
            hasher.AppendBlocks(buffer[..whole]);
            carried = filled - whole;
            buffer.Slice(whole, carried).CopyTo(buffer);
        }
        while (status == OperationStatus.DestinationTooSmall);

        hasher.Finish(buffer[..carried], out high, out low);
        return Hashed(high, low, utf8Length);
    }

    /// <summary>Compares two ids for equality.</summary>
    public static bool operator ==(EventId left, EventId right) => left.Equals(right);

    /// <summary>Compares two ids for inequality.</summary>
    public static bool operator !=(EventId left, EventId right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(EventId other) => _high == other._high && _low == other._low && _tag == other._tag;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EventId other && Equals(other);

    /// <summary>Returns a hash code that is well spread in every bit and keyed per process.</summary>
    public override int GetHashCode()
    {
        // One keyed 64x64->128-bit multiply, folded (the "mum" mix of wyhash): every input bit reaches the
        // upper half of the product, for less than two MurmurHash3 finalisers in a chain (~3 ns per sequenced event).
        ulong high = Math.BigMul(_high ^ s_hashKeyHigh, _low ^ _tag ^ s_hashKeyLow, out ulong low);
        ulong mixed = high ^ low;
        return (int)(mixed ^ (mixed >> 32));
    }

    /// <summary>
    /// Returns the lower-case canonical UUID for a UUID id, an empty string for <c>default</c>, and
    /// for a hashed id a diagnostic form <c>#&lt;32 hex digits&gt;/&lt;UTF-8 length&gt;</c>, since its text is not kept.
    /// </summary>
    public override string ToString()
    {
        if (IsEmpty)
        {
            return string.Empty;
        }

        if (!IsUuid)
        {
            return string.Create(CultureInfo.InvariantCulture, $"#{_high:x16}{_low:x16}/{_tag >> LengthShift}");
        }

        Span<char> hex = stackalloc char[32];
        _high.TryFormat(hex, out _, "x16", CultureInfo.InvariantCulture);
        _low.TryFormat(hex[16..], out _, "x16", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}");
    }

    private static EventId Hashed(ulong high, ulong low, long utf8Length) =>
        new(high, low, KindHashed | ((ulong)utf8Length << LengthShift));

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
