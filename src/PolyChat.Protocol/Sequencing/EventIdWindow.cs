using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PolyChat.Protocol;

/// <summary>
/// The most recent <c>capacity</c> distinct ids, forgotten oldest first: a ring of ids in insertion
/// order plus a fixed-capacity hash index for lookups. Its memory is fixed at construction, however
/// many ids pass through.
/// </summary>
/// <remarks>
/// <para>
/// The index is an open-addressing table with linear probing and backward-shift deletion, like
/// <see cref="OpenAddressingSet{T}"/>, but a slot holds 8 bytes instead of a whole id: the id's
/// 32-bit hash and the position of the id in the ring (plus one, so that 0 marks a vacant slot).
/// A lookup compares the full id only when the stored hash matches, so a miss touches only the
/// table. The ring keeps the index of each id's slot next to it (backward shifting updates it), so
/// forgetting the oldest id goes straight to its slot without hashing or probing, and backward
/// shifting takes each member's home slot from the hash stored in its slot. An id is hashed once
/// per call.
/// </para>
/// <para>
/// A new id is indexed in the vacant slot its lookup ended on, before the oldest id is forgotten, so
/// the table holds up to <c>capacity + 1</c> members. It has a power-of-two number of slots, at
/// least four times that, so the load factor stays at most one quarter and most probes end at the
/// first slot, which keeps the probe loops' branches predictable. At 8 bytes a slot that is still
/// less memory than a half-full table of whole ids.
/// </para>
/// </remarks>
internal sealed class EventIdWindow
{
    // Slots per member; see the remarks.
    private const int TableFactor = 4;

    // The ring, in insertion order, with each id's hash beside it.
    private readonly Member[] _ring;

    // The index: (hash << 32) | (ring position + 1) per member; 0 is vacant.
    private readonly ulong[] _slots;
    private readonly int _mask;
    private readonly int _shift;

    // The ring slot written next; once the ring is full it also holds the oldest id.
    private int _next;
    private int _count;

    /// <summary>Creates a window that remembers up to <paramref name="capacity"/> ids.</summary>
    public EventIdWindow(int capacity)
    {
        Debug.Assert(capacity is >= 1 and <= 1 << 24, "The options validate their bounds; the table size must fit an int.");

        _ring = new Member[capacity];
        int tableSize = (int)BitOperations.RoundUpToPowerOf2((uint)(capacity + 1) * TableFactor);
        _slots = new ulong[tableSize];
        _mask = tableSize - 1;
        _shift = 32 - BitOperations.Log2((uint)tableSize);
    }

    /// <summary>Determines whether <paramref name="id"/> is among the remembered ids.</summary>
    public bool Contains(EventId id) => Probe(id, (uint)id.GetHashCode(), out _);

    /// <summary>
    /// Remembers <paramref name="id"/> unless it is remembered already, hashing it once;
    /// forgets the oldest id if the window was full.
    /// </summary>
    /// <returns><see langword="false"/> when the id was already remembered (nothing changes).</returns>
    public bool TryAdd(EventId id)
    {
        Debug.Assert(!id.IsEmpty, "Events without an id are not deduplicated by id.");

        uint hash = (uint)id.GetHashCode();
        if (Probe(id, hash, out int vacant))
        {
            return false;
        }

        Insert(id, hash, vacant);
        return true;
    }

    /// <summary>Remembers <paramref name="id"/>, which must not be remembered already, forgetting the oldest id if the window is full.</summary>
    public void Add(EventId id)
    {
        Debug.Assert(!id.IsEmpty, "Events without an id are not deduplicated by id.");

        uint hash = (uint)id.GetHashCode();
        bool found = Probe(id, hash, out int vacant);
        Debug.Assert(!found, "Callers check Contains first; a second copy would desynchronise ring and index.");
        Insert(id, hash, vacant);
    }

    /// <summary>
    /// The longest distance of any member from its home slot, plus one: what the slowest lookup scans.
    /// For tests and diagnostics; it walks the whole table.
    /// </summary>
    public int LongestProbe()
    {
        int longest = 0;
        for (int index = 0; index < _slots.Length; index++)
        {
            ulong slot = _slots[index];
            if (slot != 0)
            {
                longest = Math.Max(longest, ((index - HomeSlot((uint)(slot >> 32))) & _mask) + 1);
            }
        }

        return longest;
    }

    /// <summary>
    /// Whether the ring and the index agree: every remembered id's recorded slot points back at its
    /// ring position, and nothing else is indexed. For tests; it walks the whole table.
    /// </summary>
    public bool IsConsistent()
    {
        int indexed = 0;
        foreach (ulong slot in _slots)
        {
            indexed += slot != 0 ? 1 : 0;
        }

        if (indexed != _count)
        {
            return false;
        }

        // The remembered ids are the _count ring positions before _next.
        for (int back = 1; back <= _count; back++)
        {
            int position = (_next - back + _ring.Length) % _ring.Length;
            ulong slot = _slots[_ring[position].Slot];
            if (slot == 0 || (int)(uint)slot - 1 != position || _ring[position].Id.GetHashCode() != (int)(slot >> 32))
            {
                return false;
            }
        }

        return true;
    }

    private static ulong SlotValue(uint hash, int position) => ((ulong)hash << 32) | (uint)(position + 1);

    // Looks `id` up along its probe run: true with the slot that holds it, or false with the vacant
    // slot that ended the run, where the id would be indexed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Probe(EventId id, uint hash, out int index)
    {
        ref ulong slots = ref MemoryMarshal.GetArrayDataReference(_slots);
        int mask = _mask;
        index = HomeSlot(hash);
        while (true)
        {
            // Every index is masked to the table, which has mask + 1 slots.
            ulong slot = Unsafe.Add(ref slots, index);
            if (slot == 0)
            {
                return false;
            }

            if ((uint)(slot >> 32) == hash && _ring[(int)(uint)slot - 1].Id.Equals(id))
            {
                return true;
            }

            index = (index + 1) & mask;
        }
    }

    // Indexes the new id in the vacant slot that ended its probe (a masked index), then forgets the
    // oldest; the table has room for one member beyond the capacity for this.
    private void Insert(EventId id, uint hash, int vacant)
    {
        int position = _next;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), vacant) = SlotValue(hash, position);
        Store(id, position, vacant);
    }

    // Puts the id, already indexed in `slot` with `position`, in the ring, forgetting the id it
    // replaces. The new member takes over the ring entry before the old slot is removed, so that if
    // the removal shifts the new slot back, the entry records where it went.
    private void Store(EventId id, int position, int slot)
    {
        Member[] ring = _ring;
        ref Member member = ref ring[position];
        int oldSlot = member.Slot;
        member.Id = id;
        member.Slot = slot;
        if (_count == ring.Length)
        {
            RemoveSlot(oldSlot);
        }
        else
        {
            _count++;
        }

        _next = position + 1 == ring.Length ? 0 : position + 1;
    }

    // Empties `hole`, moving later members of its probe run back into it, so the table looks as if
    // the removed member had never been added; each moved member's ring entry follows its slot.
    private void RemoveSlot(int hole)
    {
        ref ulong slots = ref MemoryMarshal.GetArrayDataReference(_slots);
        int mask = _mask;
        int next = hole;
        while (true)
        {
            next = (next + 1) & mask;
            ulong candidate = Unsafe.Add(ref slots, next);
            if (candidate == 0)
            {
                break;
            }

            // The candidate may fill the hole only if the hole lies on its probe path, i.e. its home
            // slot is no later than the hole (cyclically).
            int home = HomeSlot((uint)(candidate >> 32));
            if (((next - home) & mask) >= ((next - hole) & mask))
            {
                Unsafe.Add(ref slots, hole) = candidate;
                _ring[(int)(uint)candidate - 1].Slot = hole;
                hole = next;
            }
        }

        Unsafe.Add(ref slots, hole) = 0;
    }

    // EventId.GetHashCode is a keyed multiply whose top bits are already well spread (and differ per
    // process); unlike OpenAddressingSet, which must cope with weak hash codes such as long's, the
    // window needs no Fibonacci multiply before taking them.
    private int HomeSlot(uint hash) => (int)(hash >> _shift);

    private struct Member
    {
        public EventId Id;

        // Where the id's index entry is, so forgetting it needs no probe.
        public int Slot;
    }
}
