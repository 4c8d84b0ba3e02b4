using System;
using System.Collections.Generic;
using CsCheck;
using PolyChat.Protocol.Sequencing;
using Xunit;

namespace PolyChat.Protocol.Tests;

public class EventKeyWindowTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    public void WindowBehavesLikeAQueueOfRecentIds(int capacity)
    {
        // Few distinct keys against a small window: ids are forgotten and come back often. Each step
        // goes through TryAdd or through Contains then Add.
        Gen<(int Key, bool UseTryAdd)[]> steps = Gen.Select(Gen.Int[1, 40], Gen.Bool).Array[0, 500];

        steps.Sample(stream =>
        {
            var window = new EventKeyWindow(capacity);
            var model = new Queue<int>();
            foreach ((int key, bool useTryAdd) in stream)
            {
                EventKey id = TestIds.Uuid(key);
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

                Assert.Equal(model.Count, window.Count);
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
    public void MillionsOfInsertionsRememberExactlyTheLastCapacityIds(bool sequentialUuids)
    {
        const int Capacity = 1024;
        const int Count = 2_000_000;
        var window = new EventKeyWindow(Capacity);
        Span<byte> buffer = stackalloc byte[32];

        // Text ids, or UUIDs that differ only in their last bits.
        EventKey Id(int n, Span<byte> buffer) => sequentialUuids ? TestIds.Uuid(n) : TestIds.Utf8(n, buffer);
        for (int n = 0; n < Count; n++)
        {
            EventKey id = Id(n, buffer);
            if (window.Contains(id))
            {
                Assert.Fail($"Id {n} was reported before it was added.");
            }

            window.Add(id);
        }

        Assert.Equal(Capacity, window.Count);
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
