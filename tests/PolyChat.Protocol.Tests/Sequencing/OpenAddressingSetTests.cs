using System;
using System.Collections.Generic;
using System.Diagnostics;
using CsCheck;
using Xunit;
using Xunit.Abstractions;

namespace PolyChat.Protocol.Tests;

public class OpenAddressingSetTests(ITestOutputHelper output)
{
    [Fact]
    public void BehavesLikeHashSetUnderRandomAddsAndRemoves()
    {
        // Keys from a small range collide and form long probe runs, which is what backward-shift
        // deletion must get right.
        Gen<(bool Add, long Key)[]> operations = Gen.Select(Gen.Bool, Gen.Long[1, 96]).Array[0, 2000];

        operations.Sample(ops =>
        {
            const int MaxCount = 64;
            var set = new OpenAddressingSet<long>(MaxCount);
            var model = new HashSet<long>();
            foreach ((bool add, long key) in ops)
            {
                if (add && model.Count < MaxCount)
                {
                    Assert.Equal(model.Add(key), set.Add(key));
                }
                else
                {
                    Assert.Equal(model.Remove(key), set.Remove(key));
                }

                Assert.Equal(model.Count, set.Count);
            }

            for (long key = 1; key <= 96; key++)
            {
                Assert.Equal(model.Contains(key), set.Contains(key));
            }
        }, iter: 500);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    public void WindowBehavesLikeAQueueOfRecentIds(int capacity)
    {
        // Few distinct keys against a small table: probe runs form and break up often, and forgetting
        // the oldest id shifts newer ones back, including the one added in the same call. Each step
        // goes through TryAdd or through Contains then Add.
        Gen<(int Key, bool UseTryAdd)[]> steps = Gen.Select(Gen.Int[1, 40], Gen.Bool).Array[0, 500];

        steps.Sample(stream =>
        {
            var window = new EventIdWindow(capacity);
            var model = new Queue<int>();
            foreach ((int key, bool useTryAdd) in stream)
            {
                EventId id = TestIds.Uuid(key);
                bool known = model.Contains(key);
                if (useTryAdd)
                {
                    Assert.Equal(!known, window.TryAdd(id));
                }
                else
                {
                    Assert.Equal(known, window.Contains(id));
                    if (!known)
                    {
                        window.Add(id);
                    }
                }

                if (!known)
                {
                    model.Enqueue(key);
                    if (model.Count > capacity)
                    {
                        model.Dequeue();
                    }
                }

                Assert.True(window.IsConsistent(), $"Ring and index disagree after key {key}.");
            }

            for (int key = 1; key <= 40; key++)
            {
                Assert.Equal(model.Contains(key), window.Contains(TestIds.Uuid(key)));
            }
        }, iter: 500);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MillionsOfInsertionsDoNotDegradeTheWindow(bool sequentialUuids)
    {
        const int Capacity = 1024;
        const int Count = 2_000_000;
        var window = new EventIdWindow(Capacity);
        Span<byte> buffer = stackalloc byte[32];

        // Hashed ids, or UUIDs that differ only in their last bits (stored as their own 128 bits, unhashed):
        // the id hash code must spread both.
        EventId Id(int n, Span<byte> buffer) => sequentialUuids ? TestIds.Uuid(n) : TestIds.Utf8(n, buffer);
        var longestProbe = 0;
        for (int n = 0; n < Count; n++)
        {
            EventId id = Id(n, buffer);
            if (window.Contains(id))
            {
                Assert.Fail($"Id {n} was reported before it was added.");
            }

            window.Add(id);
            if (n % 100_000 == 0)
            {
                longestProbe = Math.Max(longestProbe, window.LongestProbe());
            }
        }

        output.WriteLine($"{Count:N0} insertions into a {Capacity}-id window: longest probe {longestProbe} slots");

        // A table clogged with tombstones would scan all 2048 slots per miss. Backward-shift deletion
        // keeps probes as short as in a fresh table at this load factor (at most one half).
        Assert.True(longestProbe <= 64, $"Longest probe {longestProbe} slots.");
        for (int n = Count - Capacity; n < Count; n++)
        {
            Assert.True(window.Contains(Id(n, buffer)));
        }

        for (int n = Count - (2 * Capacity); n < Count - Capacity; n++)
        {
            Assert.False(window.Contains(Id(n, buffer)));
        }
    }
}
