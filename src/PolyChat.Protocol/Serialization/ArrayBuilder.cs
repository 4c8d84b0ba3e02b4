using System;
using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace PolyChat.Protocol.Serialization;

/// <summary>
/// Collects array items and hands out one array of the exact size: a read allocates only the result, never
/// the growth steps of a list. The first four items live in fields, because most arrays in a frame are that
/// short and renting from the shared pool (a thread-local lookup, and clearing on return) would cost more
/// than they do; longer arrays continue in a pooled buffer.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct ArrayBuilder<T>
{
    private const int InlineCount = 4;

    private T _item0;
    private T _item1;
    private T _item2;
    private T _item3;
    private T[]? _overflow;
    private int _count;

    /// <summary>Adds the next item.</summary>
    /// <param name="item">The item.</param>
    public void Add(T item)
    {
        switch (_count)
        {
            case 0:
                _item0 = item;
                break;
            case 1:
                _item1 = item;
                break;
            case 2:
                _item2 = item;
                break;
            case 3:
                _item3 = item;
                break;
            default:
                AddOverflow(item);
                break;
        }

        _count++;
    }

    /// <summary>The items as an exact-size array; returns the pooled buffer (also when reading failed part-way).</summary>
    public T[] ToArrayAndReturn()
    {
        if (_count == 0)
        {
            return Array.Empty<T>();
        }

        var result = new T[_count];
        var items = new Span<T>(result);
        items[0] = _item0;
        if (_count > 1)
        {
            items[1] = _item1;
        }

        if (_count > 2)
        {
            items[2] = _item2;
        }

        if (_count > 3)
        {
            items[3] = _item3;
        }

        if (_overflow is not null)
        {
            MemoryExtensions.AsSpan(_overflow, 0, _count - InlineCount).CopyTo(items.Slice(InlineCount));
        }

        Dispose();
        return result;
    }

    /// <summary>Returns the pooled buffer, if any, and forgets the items.</summary>
    public void Dispose()
    {
        if (_overflow is not null)
        {
            Return(_overflow);
            _overflow = null;
        }

        this = default;
    }

    private void AddOverflow(T item)
    {
        var index = _count - InlineCount;
        if (_overflow is null)
        {
            _overflow = ArrayPool<T>.Shared.Rent(InlineCount);
        }
        else if (index == _overflow.Length)
        {
            var larger = ArrayPool<T>.Shared.Rent(index * 2);
            Array.Copy(_overflow, larger, index);
            Return(_overflow);
            _overflow = larger;
        }

        _overflow[index] = item;
    }

    private static void Return(T[] buffer) =>
        ArrayPool<T>.Shared.Return(buffer, RuntimeHelpers.IsReferenceOrContainsReferences<T>());
}
