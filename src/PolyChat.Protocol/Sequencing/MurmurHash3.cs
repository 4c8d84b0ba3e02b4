using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;

namespace PolyChat.Protocol;

/// <summary>
/// MurmurHash3, x64 128-bit variant, seed 0 (Austin Appleby, public domain), written to be fed in
/// 16-byte blocks so that <see cref="EventId.FromString(string)"/> can hash UTF-16 input through a
/// small stack buffer instead of allocating its UTF-8 form.
/// </summary>
/// <remarks>
/// System.IO.Hashing is not a dependency of this library, and MurmurHash3 is small, well studied
/// and has published test vectors. It is not cryptographic: it identifies ids issued by a server,
/// it does not defend against a party that chooses ids to collide.
/// </remarks>
internal struct MurmurHash3
{
    /// <summary>The block size the algorithm consumes.</summary>
    public const int BlockSize = 16;

    private const ulong C1 = 0x87c37b91114253d5;
    private const ulong C2 = 0x4cf5ad432745937f;

    private ulong _h1;
    private ulong _h2;
    private long _length;

    /// <summary>Hashes <paramref name="data"/> in one call.</summary>
    public static void Hash(ReadOnlySpan<byte> data, out ulong high, out ulong low)
    {
        var hasher = default(MurmurHash3);
        int whole = data.Length & ~(BlockSize - 1);
        hasher.AppendBlocks(data[..whole]);
        hasher.Finish(data[whole..], out high, out low);
    }

    /// <summary>Mixes whole blocks into the state. <paramref name="blocks"/> must be a multiple of <see cref="BlockSize"/> long.</summary>
    public void AppendBlocks(ReadOnlySpan<byte> blocks)
    {
        Debug.Assert(blocks.Length % BlockSize == 0, "Only whole blocks can be appended.");

        ulong h1 = _h1;
        ulong h2 = _h2;
        for (int offset = 0; offset < blocks.Length; offset += BlockSize)
        {
            ulong k1 = BinaryPrimitives.ReadUInt64LittleEndian(blocks.Slice(offset, 8));
            ulong k2 = BinaryPrimitives.ReadUInt64LittleEndian(blocks.Slice(offset + 8, 8));

            h1 ^= MixK1(k1);
            h1 = BitOperations.RotateLeft(h1, 27);
            h1 += h2;
            h1 = (h1 * 5) + 0x52dce729;

            h2 ^= MixK2(k2);
            h2 = BitOperations.RotateLeft(h2, 31);
            h2 += h1;
            h2 = (h2 * 5) + 0x38495ab5;
        }

        _h1 = h1;
        _h2 = h2;
        _length += blocks.Length;
    }

    /// <summary>
    /// Mixes the final partial block (shorter than <see cref="BlockSize"/>) and produces the hash.
    /// <paramref name="high"/> is the algorithm's first word (h1), <paramref name="low"/> its second (h2).
    /// </summary>
    public readonly void Finish(ReadOnlySpan<byte> tail, out ulong high, out ulong low)
    {
        Debug.Assert(tail.Length < BlockSize, "The tail is shorter than a block.");

        ulong h1 = _h1;
        ulong h2 = _h2;
        ulong k1 = 0;
        ulong k2 = 0;
        for (int i = tail.Length - 1; i >= 8; i--)
        {
            k2 = (k2 << 8) | tail[i];
        }

        for (int i = Math.Min(tail.Length, 8) - 1; i >= 0; i--)
        {
            k1 = (k1 << 8) | tail[i];
        }

        if (tail.Length > 8)
        {
            h2 ^= MixK2(k2);
        }

        if (tail.Length > 0)
        {
            h1 ^= MixK1(k1);
        }

        ulong length = (ulong)(_length + tail.Length);
        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = FinalMix(h1);
        h2 = FinalMix(h2);
        h1 += h2;
        h2 += h1;

        high = h1;
        low = h2;
    }

    /// <summary>MurmurHash3's 64-bit finaliser: every input bit affects every output bit.</summary>
    public static ulong FinalMix(ulong k)
    {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccd;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53;
        k ^= k >> 33;
        return k;
    }

    private static ulong MixK1(ulong k1) => BitOperations.RotateLeft(k1 * C1, 31) * C2;

    private static ulong MixK2(ulong k2) => BitOperations.RotateLeft(k2 * C2, 33) * C1;
}
