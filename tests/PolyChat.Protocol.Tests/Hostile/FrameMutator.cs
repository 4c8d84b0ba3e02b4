using System;
using System.Collections.Generic;
using System.Text;

namespace PolyChat.Protocol.Tests.Hostile;

/// <summary>
/// Deterministic hostile inputs derived from valid frames: the byte-level and structural damage a peer
/// (or a broken proxy) can produce. Seeded, so every failure reproduces from its index.
/// </summary>
internal sealed class FrameMutator
{
    private static readonly byte[][] Fragments =
    [
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(), "\""u8.ToArray(),
        "null"u8.ToArray(), "true"u8.ToArray(), "-0"u8.ToArray(), "1e999999"u8.ToArray(), "123456789012345678901234567890"u8.ToArray(),
        "\"\\ud800\""u8.ToArray(), "\"\\udc00\\ud800\""u8.ToArray(), "\"\\u0000\""u8.ToArray(), [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xEF, 0xBB, 0xBF], "\"type\":\"EVENT_TYPE_HEARTBEAT\""u8.ToArray(), "\"type\":5"u8.ToArray(),
        "\"sequence\":9223372036854775808"u8.ToArray(), "\"sequence\":-1"u8.ToArray(), "\"payload\":null"u8.ToArray(),
        "\"payload\":[]"u8.ToArray(), "\"chunk_index\":4611686018427387904"u8.ToArray(), "\"timestamp\":\"2026-13-45T99:99:99Z\""u8.ToArray(),
    ];

    private readonly Random _random;
    private readonly IReadOnlyList<byte[]> _seeds;

    public FrameMutator(int seed, IReadOnlyList<byte[]> seeds)
    {
        _random = new Random(seed);
        _seeds = seeds;
    }

    /// <summary>
    /// Applies explicit edits, as a property test's generator draws them: kind 0 overwrites the byte at the
    /// position, 1 inserts one there, anything else removes one; positions wrap around the frame's length.
    /// </summary>
    public static byte[] Apply(byte[] source, (int Position, int Kind, byte Value)[] edits)
    {
        var bytes = new List<byte>(source);
        foreach (var (position, kind, value) in edits)
        {
            var at = position % (bytes.Count + 1);
            switch (kind)
            {
                case 0 when at < bytes.Count:
                    bytes[at] = value;
                    break;
                case 1:
                    bytes.Insert(at, value);
                    break;
                default:
                    if (at < bytes.Count)
                    {
                        bytes.RemoveAt(at);
                    }

                    break;
            }
        }

        return bytes.ToArray();
    }

    /// <summary>The next hostile frame: a random seed frame with one to three random mutations.</summary>
    public byte[] Next()
    {
        var frame = new List<byte>(_seeds[_random.Next(_seeds.Count)]);
        var mutations = 1 + _random.Next(3);
        for (var i = 0; i < mutations; i++)
        {
            Mutate(frame);
        }

        return frame.ToArray();
    }

    private void Mutate(List<byte> frame)
    {
        var at = frame.Count == 0 ? 0 : _random.Next(frame.Count);
        switch (_random.Next(9))
        {
            case 0 when frame.Count > 0:
                frame[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1:
                frame.RemoveRange(at, frame.Count - at);
                break;
            case 2:
                frame.InsertRange(at, Fragments[_random.Next(Fragments.Length)]);
                break;
            case 3 when frame.Count > 0:
                frame.RemoveRange(at, Math.Min(frame.Count - at, 1 + _random.Next(16)));
                break;
            case 4:
                // Splice: the head of this frame, the tail of another.
                var other = _seeds[_random.Next(_seeds.Count)];
                var cut = _random.Next(other.Length);
                frame.RemoveRange(at, frame.Count - at);
                frame.AddRange(other.AsSpan(cut).ToArray());
                break;
            case 5:
                var depth = 1 + _random.Next(200);
                var nest = new StringBuilder().Append('[', depth).Append(']', depth).ToString();
                frame.InsertRange(at, Encoding.UTF8.GetBytes(nest));
                break;
            case 6:
                frame.InsertRange(at, Encoding.UTF8.GetBytes(new string('9', 1 + _random.Next(400))));
                break;
            case 7 when frame.Count > 1:
                var from = _random.Next(frame.Count);
                var length = Math.Min(frame.Count - from, 1 + _random.Next(64));
                frame.InsertRange(at, frame.GetRange(from, length));
                break;
            default:
                frame.Insert(at, (byte)_random.Next(256));
                break;
        }
    }
}
