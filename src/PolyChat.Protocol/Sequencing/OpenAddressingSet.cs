using System;
using System.Diagnostics;
using System.Numerics;

namespace PolyChat.Protocol;

/// <summary>
/// A hash set with a capacity fixed at construction: open addressing, linear probing, and
/// backward-shift deletion.
/// </summary>
/// <typeparam name="T">The key. <c>default(T)</c> marks a vacant slot, so it can never be a member.</typeparam>
/// <remarks>
/// <para>
/// The table has a power-of-two number of slots, at least twice the largest count its owner
/// promises to keep, so the load factor never passes one half and probe runs stay short.
/// </para>
/// <para>
/// Removal moves later members of the probe run back into the hole instead of leaving a
/// tombstone. The table is therefore in the same shape it would have if the removed key had never
/// been added, and it does not degrade over millions of insertions and removals the way a
/// tombstoned table does between rebuilds.
/// </para>
/// </remarks>
internal sealed class OpenAddressingSet<T>
    where T : struct, IEquatable<T>
{
    private readonly T[] _slots;
    private readonly int _mask;
    private readonly int _shift;
    private readonly int _maxCount;
    private int _count;

    /// <summary>Creates a set that will never hold more than <paramref name="maxCount"/> keys at once.</summary>
    public OpenAddressingSet(int maxCount)
    {
        Debug.Assert(maxCount is >= 1 and <= 1 << 29, "The owner validates its bounds.");

        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)maxCount * 2);
        _slots = new T[capacity];
        _mask = capacity - 1;
        _shift = 32 - BitOperations.Log2((uint)capacity);
        _maxCount = maxCount;
    }

    /// <summary>Gets the number of members.</summary>
    public int Count => _count;

    /// <summary>Determines whether <paramref name="key"/> is a member.</summary>
    public bool Contains(T key) => IndexOf(key) >= 0;

    /// <summary>Adds <paramref name="key"/>; returns <see langword="false"/> if it was already a member.</summary>
    public bool Add(T key)
    {
        Debug.Assert(!IsVacant(key), "default(T) marks vacant slots and cannot be stored.");

        int index = HomeSlot(key);
        while (!IsVacant(_slots[index]))
        {
            if (_slots[index].Equals(key))
            {
                return false;
            }

            index = (index + 1) & _mask;
        }

        Debug.Assert(_count < _maxCount, "The owner bounds the count; past it the load factor guarantee is gone.");
        _slots[index] = key;
        _count++;
        return true;
    }

    /// <summary>Removes <paramref name="key"/>; returns <see langword="false"/> if it was not a member.</summary>
    public bool Remove(T key)
    {
        int hole = IndexOf(key);
        if (hole < 0)
        {
            return false;
        }

        int next = hole;
        while (true)
        {
            next = (next + 1) & _mask;
            T candidate = _slots[next];
            if (IsVacant(candidate))
            {
                break;
            }

            // The candidate may fill the hole only if the hole lies on its probe path, i.e. its home
            // slot is no later than the hole (cyclically). Otherwise lookups starting at its home would
            // no longer reach it.
            int home = HomeSlot(candidate);
            if (((next - home) & _mask) >= ((next - hole) & _mask))
            {
                _slots[hole] = candidate;
                hole = next;
            }
        }

        _slots[hole] = default;
        _count--;
        return true;
    }

    /// <summary>
    /// The longest distance of any member from its home slot: what the slowest lookup scans.
    /// For tests and diagnostics; it walks the whole table.
    /// </summary>
    public int LongestProbe()
    {
        int longest = 0;
        for (int index = 0; index < _slots.Length; index++)
        {
            if (!IsVacant(_slots[index]))
            {
                longest = Math.Max(longest, ((index - HomeSlot(_slots[index])) & _mask) + 1);
            }
        }

        return longest;
    }

    private static bool IsVacant(T key) => key.Equals(default(T));

    private int IndexOf(T key)
    {
        int index = HomeSlot(key);
        while (true)
        {
            T slot = _slots[index];
            if (IsVacant(slot))
            {
                return -1;
            }

            if (slot.Equals(key))
            {
                return index;
            }

            index = (index + 1) & _mask;
        }
    }

    // Fibonacci hashing takes the top bits of the product, so keys whose hash codes differ only in
    // their high bits (such as consecutive sequence numbers folded by long.GetHashCode) still spread.
    private int HomeSlot(T key) => (int)(((uint)key.GetHashCode() * 0x9E3779B9u) >> _shift);
}
