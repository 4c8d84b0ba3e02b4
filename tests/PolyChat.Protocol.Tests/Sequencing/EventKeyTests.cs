using System;
using System.Collections.Generic;
using System.Text;
using CsCheck;
using PolyChat.Protocol.Sequencing;
using Xunit;

namespace PolyChat.Protocol.Tests;

public class EventKeyTests
{
    private const string Uuid = "0190a3f1-1c22-7b10-8e4d-5a1f0c9b7e01";

    [Fact]
    public void UuidsCompareCaseInsensitively()
    {
        EventKey lower = EventKey.FromString(Uuid);
        EventKey upper = EventKey.FromString(Uuid.ToUpperInvariant());
        EventKey mixed = EventKey.FromUtf8("0190A3f1-1C22-7b10-8E4d-5a1F0c9B7e01"u8);

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
        EventKey original = EventKey.FromString(Uuid);
        var seen = new HashSet<EventKey> { original };
        for (int position = 0; position < Uuid.Length; position++)
        {
            if (Uuid[position] == '-')
            {
                continue;
            }

            char[] changed = Uuid.ToCharArray();
            changed[position] = changed[position] == 'f' ? '0' : 'f';
            EventKey id = EventKey.FromString(new string(changed));

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
    public void NonCanonicalIdsKeepTheirText(string text)
    {
        EventKey id = EventKey.FromString(text);

        Assert.False(id.IsUuid);
        Assert.False(id.IsEmpty);
        Assert.NotEqual(EventKey.FromString(Uuid), id);
        Assert.Equal(id, EventKey.FromUtf8(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(id.GetHashCode(), EventKey.FromUtf8(Encoding.UTF8.GetBytes(text)).GetHashCode());

        // FromString keeps the very string it was given; it allocates no copy.
        Assert.Same(text, id.ToString());
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("0190a3f1-1c22-7b10-8e4d-5a1f0c9b7e01")]
    public void NonUuidIdsNeverEqualUuids(string uuid)
    {
        EventKey key = EventKey.FromString(uuid);
        Assert.True(key.IsUuid);
        Assert.Equal(uuid, key.ToString());

        // Texts that could be mistaken for the UUID's bits or for its internal marker: a lone surrogate
        // counts as U+FFFD, so no text key can spell the marker.
        string[] texts = ["\uD800", "\uFFFD", "0", uuid + " ", "\0"];
        foreach (string text in texts)
        {
            EventKey other = EventKey.FromString(text);
            Assert.False(other.IsUuid);
            Assert.NotEqual(key, other);
            Assert.NotEqual(key, EventKey.FromUtf8(Encoding.UTF8.GetBytes(text)));
        }

        Assert.Equal("\uFFFD", EventKey.FromString("\uD800").ToString());
        Assert.NotEqual(default, key);
    }

    [Fact]
    public void UuidHashCodesUseEveryWord()
    {
        // Halves whose two 32-bit words are equal fold to 0 under long.GetHashCode, so hashing the
        // halves as two longs would give all of these one hash code, whatever the seed.
        var codes = new HashSet<int>();
        for (uint n = 1; n <= 1000; n++)
        {
            ulong half = ((ulong)n << 32) | n;
            string text = $"{half:x16}{half:x16}".Insert(20, "-").Insert(16, "-").Insert(12, "-").Insert(8, "-");
            EventKey key = EventKey.FromString(text);
            Assert.True(key.IsUuid, text);
            codes.Add(key.GetHashCode());
        }

        // Seeded 32-bit hashes of 1,000 distinct keys: a collision or two is possible, ten are not.
        Assert.True(codes.Count > 990, $"{codes.Count} distinct hash codes");
    }

    [Fact]
    public void UuidKeysAllocateNothing()
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(Uuid);
        EventKey expected = EventKey.FromString(Uuid);
        _ = EventKey.FromUtf8(utf8).GetHashCode();

        int equal = 0;
        long allocated = AllocationMeter.Least(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                EventKey fromUtf8 = EventKey.FromUtf8(utf8);
                EventKey fromString = EventKey.FromString(Uuid);
                equal += fromUtf8 == expected && fromString.Equals(expected) && fromUtf8.GetHashCode() == expected.GetHashCode() ? 1 : 0;
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(3000, equal);
    }

    [Fact]
    public void DistinctNonUuidIdsAreDistinct()
    {
        var ids = new HashSet<EventKey>();
        for (int n = 0; n < 200_000; n++)
        {
            Assert.True(ids.Add(EventKey.FromString($"msg-{n}")));
        }

        Assert.NotEqual(EventKey.FromString("a"), EventKey.FromString("b"));
        Assert.NotEqual(EventKey.FromString("ab"), EventKey.FromString("ba"));
    }

    [Fact]
    public void EmptyInputMeansNoId()
    {
        Assert.True(default(EventKey).IsEmpty);
        Assert.True(EventKey.FromString(string.Empty).IsEmpty);
        Assert.True(EventKey.FromUtf8([]).IsEmpty);
        Assert.Equal(default, EventKey.FromString(string.Empty));
        Assert.Equal(string.Empty, default(EventKey).ToString());
        Assert.False(EventKey.FromString(" ").IsEmpty);
        Assert.Throws<ArgumentNullException>(() => EventKey.FromString(null!));
    }

    [Fact]
    public void FromStringEqualsFromUtf8OfTheEncodedString()
    {
        Gen.String.Sample(text =>
        {
            EventKey fromString = EventKey.FromString(text);
            EventKey fromUtf8 = EventKey.FromUtf8(Encoding.UTF8.GetBytes(text));
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
    public void LongIdsWithEveryKindOfCharacterMatchTheirUtf8Form(int length)
    {
        // Multi-byte characters, surrogate pairs and lone surrogates (U+FFFD in UTF-8) all through a long id.
        string[] pieces = ["a", "é", "€", "😀", "\uD800", "z"];
        var builder = new StringBuilder();
        for (int i = 0; builder.Length < length; i++)
        {
            builder.Append(pieces[i % pieces.Length]);
        }

        string text = builder.ToString();
        Assert.Equal(EventKey.FromUtf8(Encoding.UTF8.GetBytes(text)), EventKey.FromString(text));
        Assert.NotEqual(EventKey.FromString(text), EventKey.FromString(text + "a"));
    }

    [Fact]
    public void IdsLongerThan64BytesAreKeptAsADigestOfBoundedSize()
    {
        // Ours: the docs promise UUIDs (§1b); a peer's megabyte-long ids must not fill the id windows.
        string huge = new('x', 1 << 20);
        EventKey key = EventKey.FromString(huge);

        Assert.Equal(71, key.ToString().Length);
        Assert.StartsWith("sha256:", key.ToString(), StringComparison.Ordinal);
        Assert.Equal(key, EventKey.FromUtf8(Encoding.UTF8.GetBytes(huge)));
        Assert.NotEqual(key, EventKey.FromString(huge[..^1] + "y"));

        // At the limit the text itself is kept, and it can never spell a digest (71 characters).
        string sixtyFour = new('x', 64);
        Assert.Same(sixtyFour, EventKey.FromString(sixtyFour).ToString());
        Assert.NotEqual(EventKey.FromString(key.ToString()), key);
    }

    [Fact]
    public void LoneSurrogatesCountAsReplacementCharacters()
    {
        Assert.Equal(EventKey.FromUtf8("\uFFFDx"u8), EventKey.FromString("\uD800x"));
        Assert.Equal(EventKey.FromUtf8("x\uFFFD"u8), EventKey.FromString("x\uDC00"));
    }

    [Fact]
    public void EveryUnpairedSurrogateCountsAsAReplacementCharacter()
    {
        // In code, not [InlineData]: a lone surrogate does not survive the test case's serialisation.
        (string Id, string Replaced)[] cases =
        [
            ("x\uD83D", "x\uFFFD"),
            ("\uD83D", "\uFFFD"),
            ("\uD83Dx", "\uFFFDx"),
            ("\uD83D\uD83D", "\uFFFD\uFFFD"),
            ("\uD83D\uD83D\uDE00", "\uFFFD\U0001F600"),
            ("\U0001F600\uDE00", "\U0001F600\uFFFD"),
            ("\U0001F600\uD83D", "\U0001F600\uFFFD"),
            ("\uDE00\uD83D", "\uFFFD\uFFFD"),
            ("\uDE00\U0001F600", "\uFFFD\U0001F600"),
        ];

        foreach (var (id, replaced) in cases)
        {
            EventKey key = EventKey.FromString(id);

            Assert.Equal(replaced, key.ToString());
            Assert.Equal(EventKey.FromString(replaced), key);
            Assert.Equal(EventKey.FromUtf8(Encoding.UTF8.GetBytes(replaced)), key);
        }
    }

    [Theory]
    [InlineData("\U0001F600")]
    [InlineData("a\U0001F600")]
    [InlineData("\U0001F600a")]
    [InlineData("\U0001F600\U0001F600")]
    [InlineData("a\U0001F600b\U0001F600c")]
    public void AnIdWithOnlyPairedSurrogatesIsKeptAsGiven(string id)
    {
        // "FromString keeps the string it is given": only an unpaired surrogate makes it build another.
        Assert.Same(id, EventKey.FromString(id).ToString());
    }

    [Fact]
    public void ALongIdOfInvalidUtf8IsTheDigestOfItsDecodedForm()
    {
        // Over 64 bytes, with a stray continuation byte, a truncated sequence and an invalid lead byte: each counts as
        // U+FFFD, so the key is that of the decoded text, not a digest of the raw bytes.
        byte[] invalid = [.. Encoding.UTF8.GetBytes(new string('a', 70)), 0x80, (byte)'b', 0xE2, 0x82, (byte)'c', 0xFF];
        string decoded = Encoding.UTF8.GetString(invalid);
        Assert.Contains('\uFFFD', decoded);

        EventKey key = EventKey.FromUtf8(invalid);

        Assert.Equal(EventKey.FromString(decoded), key);
        Assert.Equal(EventKey.FromUtf8(Encoding.UTF8.GetBytes(decoded)), key);
        Assert.StartsWith("sha256:", key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EqualsHandlesBoxedValues()
    {
        EventKey id = EventKey.FromString(Uuid);

        Assert.True(id.Equals((object)EventKey.FromString(Uuid)));
        Assert.False(id.Equals((object)Uuid));
        Assert.True(id != default);
    }
}
