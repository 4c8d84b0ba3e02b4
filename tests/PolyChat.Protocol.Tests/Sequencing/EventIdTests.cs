using System;
using System.Collections.Generic;
using System.Text;
using CsCheck;
using Xunit;

namespace PolyChat.Protocol.Tests;

public class EventIdTests
{
    private const string Uuid = "0190a3f1-1c22-7b10-8e4d-5a1f0c9b7e01";

    [Fact]
    public void UuidsCompareCaseInsensitively()
    {
        EventId lower = EventId.FromString(Uuid);
        EventId upper = EventId.FromString(Uuid.ToUpperInvariant());
        EventId mixed = EventId.FromUtf8("0190A3f1-1C22-7b10-8E4d-5a1F0c9B7e01"u8);

        Assert.True(lower.IsUuid);
        Assert.Equal(lower, upper);
        Assert.Equal(lower, mixed);
        Assert.True(lower == upper);
        Assert.Equal(lower.GetHashCode(), upper.GetHashCode());
        Assert.Equal(Uuid, upper.ToString());
    }

    [Fact]
    public void UuidsKeepAll128Bits()
    {
        EventId original = EventId.FromString(Uuid);
        var seen = new HashSet<EventId> { original };
        for (int position = 0; position < Uuid.Length; position++)
        {
            if (Uuid[position] == '-')
            {
                continue;
            }

            char[] changed = Uuid.ToCharArray();
            changed[position] = changed[position] == 'f' ? '0' : 'f';
            EventId id = EventId.FromString(new string(changed));

            Assert.True(id.IsUuid);
            Assert.True(seen.Add(id), $"Changing position {position} was not noticed.");
            Assert.Equal(new string(changed), id.ToString());
        }
    }

    [Theory]
    [InlineData("{0190a3f1-1c22-7b10-8e4d-5a1f0c9b7e01}")]
    [InlineData("0190a3f11c227b108e4d5a1f0c9b7e01")]
    [InlineData("0190a3f1-1c22-7b10-8e4d5-a1f0c9b7e01")]
    [InlineData("0190a3f1-1c22-7b10-8e4d-5a1f0c9b7e0g")]
    [InlineData("0190a3f1-1c22-7b10-8e4d-5a1f0c9b7e0 ")]
    [InlineData("0190a3f1+1c22-7b10-8e4d-5a1f0c9b7e01")]
    [InlineData("0190a3f1-1c22-7b10-8e4d-5a1f0c9b7e0\u0661")]
    [InlineData("evt_01HZX8")]
    public void NonCanonicalIdsAreHashed(string text)
    {
        EventId id = EventId.FromString(text);

        Assert.False(id.IsUuid);
        Assert.False(id.IsEmpty);
        Assert.NotEqual(EventId.FromString(Uuid), id);
        Assert.Equal(id, EventId.FromUtf8(Encoding.UTF8.GetBytes(text)));
        Assert.StartsWith("#", id.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HashedIdsNeverEqualUuidsWithTheSameBits()
    {
        EventId hashed = EventId.FromString("not a uuid");

        // The diagnostic form shows the 128 hash bits; spell them as a UUID and compare.
        string hex = hashed.ToString()[1..33];
        string asUuid = $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
        EventId uuid = EventId.FromString(asUuid);

        Assert.True(uuid.IsUuid);
        Assert.Equal(asUuid, uuid.ToString());
        Assert.NotEqual(hashed, uuid);
        Assert.Equal($"#{hex}/10", hashed.ToString());
    }

    [Fact]
    public void DistinctNonUuidIdsAreDistinct()
    {
        var ids = new HashSet<EventId>();
        for (int n = 0; n < 200_000; n++)
        {
            Assert.True(ids.Add(EventId.FromString($"msg-{n}")));
        }

        Assert.NotEqual(EventId.FromString("a"), EventId.FromString("b"));
        Assert.NotEqual(EventId.FromString("ab"), EventId.FromString("ba"));
    }

    [Fact]
    public void EmptyInputMeansNoId()
    {
        Assert.True(default(EventId).IsEmpty);
        Assert.True(EventId.FromString(string.Empty).IsEmpty);
        Assert.True(EventId.FromUtf8([]).IsEmpty);
        Assert.Equal(default, EventId.FromString(string.Empty));
        Assert.Equal(string.Empty, default(EventId).ToString());
        Assert.False(EventId.FromString(" ").IsEmpty);
        Assert.Throws<ArgumentNullException>(() => EventId.FromString(null!));
    }

    [Fact]
    public void FromStringEqualsFromUtf8OfTheEncodedString()
    {
        Gen.String.Sample(text =>
        {
            EventId fromString = EventId.FromString(text);
            EventId fromUtf8 = EventId.FromUtf8(Encoding.UTF8.GetBytes(text));
            Assert.Equal(fromUtf8, fromString);
            Assert.Equal(fromUtf8.GetHashCode(), fromString.GetHashCode());
        }, iter: 20_000);
    }

    [Theory]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(1000)]
    [InlineData(100_000)]
    public void LongIdsHashAcrossTheTranscodeBuffer(int length)
    {
        // Multi-byte characters and surrogate pairs straddle every buffer and block boundary.
        string[] pieces = ["a", "é", "€", "😀", "\uD800", "z"];
        var builder = new StringBuilder();
        for (int i = 0; builder.Length < length; i++)
        {
            builder.Append(pieces[i % pieces.Length]);
        }

        string text = builder.ToString();
        Assert.Equal(EventId.FromUtf8(Encoding.UTF8.GetBytes(text)), EventId.FromString(text));
        Assert.NotEqual(EventId.FromString(text), EventId.FromString(text + "a"));
    }

    [Fact]
    public void LoneSurrogatesHashAsReplacementCharacters()
    {
        Assert.Equal(EventId.FromUtf8("\uFFFDx"u8), EventId.FromString("\uD800x"));
        Assert.Equal(EventId.FromUtf8("x\uFFFD"u8), EventId.FromString("x\uDC00"));
    }

    [Theory]
    [InlineData("", 0UL, 0UL)]
    [InlineData("hello", 0xcbd8a7b341bd9b02UL, 0x5b1e906a48ae1d19UL)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0xe34bbc7bbc071b6cUL, 0x7a433ca9c49a9347UL)]
    public void MurmurHash3MatchesReferenceVectors(string text, ulong expectedH1, ulong expectedH2)
    {
        // Published as h1 and h2 ("hello"), or as their little-endian bytes 6c1b07bc7bbc4be3 47939ac4a93c437a (the fox).
        MurmurHash3.Hash(Encoding.UTF8.GetBytes(text), out ulong h1, out ulong h2);

        Assert.Equal(expectedH1, h1);
        Assert.Equal(expectedH2, h2);
    }

    [Fact]
    public void EqualsHandlesBoxedValues()
    {
        EventId id = EventId.FromString(Uuid);

        Assert.True(id.Equals((object)EventId.FromString(Uuid)));
        Assert.False(id.Equals((object)Uuid));
        Assert.True(id != default);
    }
}
