using System.Diagnostics;

namespace PolyChat.Protocol;

/// <summary>
/// The most recent <c>capacity</c> distinct ids, forgotten oldest first: a ring of ids in insertion
/// order plus a fixed-capacity set for lookups. Its memory is fixed at construction, however many ids pass through.
/// </summary>
internal sealed class EventIdWindow
{
    private readonly EventId[] _order;
    private readonly OpenAddressingSet<EventId> _members;

    // The ring slot written next; once the ring is full it also holds the oldest id.
    private int _next;
    private int _count;

    /// <summary>Creates a window that remembers up to <paramref name="capacity"/> ids.</summary>
    public EventIdWindow(int capacity)
    {
        _order = new EventId[capacity];
        // One spare member: TryAdd inserts before it evicts the oldest.
        _members = new OpenAddressingSet<EventId>(capacity + 1);
    }

    /// <summary>Determines whether <paramref name="id"/> is among the remembered ids.</summary>
    public bool Contains(EventId id) => _members.Contains(id);

    /// <summary>
    /// Remembers <paramref name="id"/> unless it is remembered already, in one probe of the set;
    /// forgets the oldest id if the window was full.
    /// </summary>
    /// <returns><see langword="false"/> when the id was already remembered (nothing changes).</returns>
    public bool TryAdd(EventId id)
    {
        Debug.Assert(!id.IsEmpty, "Events without an id are not deduplicated by id.");

        if (!_members.Add(id))
        {
            return false;
        }

        if (_count == _order.Length)
        {
            _members.Remove(_order[_next]);
        }
        else
        {
            _count++;
        }

        _order[_next] = id;
        _next = _next + 1 == _order.Length ? 0 : _next + 1;
        return true;
    }

    /// <summary>Remembers <paramref name="id"/>, which must not be remembered already, forgetting the oldest id if the window is full.</summary>
    public void Add(EventId id)
    {
        Debug.Assert(!id.IsEmpty, "Events without an id are not deduplicated by id.");

        if (_count == _order.Length)
        {
            _members.Remove(_order[_next]);
        }
        else
        {
            _count++;
        }

        bool added = _members.Add(id);
        Debug.Assert(added, "Callers check Contains first; a second copy would desynchronise ring and set.");

        _order[_next] = id;
        _next = _next + 1 == _order.Length ? 0 : _next + 1;
    }

    /// <summary>The longest probe in the member set; see <see cref="OpenAddressingSet{T}.LongestProbe"/>.</summary>
    public int LongestProbe() => _members.LongestProbe();
}
