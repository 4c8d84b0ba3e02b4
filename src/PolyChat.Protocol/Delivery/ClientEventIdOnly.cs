using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace PolyChat.Protocol.Delivery;

/// <summary>
/// The outgoing <c>metadata.custom</c> of a message whose caller supplied none: the single pair
/// <c>client_event_id</c>, as a read-only dictionary.
/// </summary>
/// <remarks>
/// One small immutable object instead of a <see cref="Dictionary{TKey, TValue}"/> and its two arrays, because this
/// is the common case and it is paid once per message. When the caller did supply pairs, the tracker copies them
/// into a new dictionary instead, so that a caller who changes its dictionary later cannot change what retries send.
/// </remarks>
internal sealed class ClientEventIdOnly : IReadOnlyDictionary<string, string>
{
    private readonly string _clientEventId;

    internal ClientEventIdOnly(string clientEventId) => _clientEventId = clientEventId;

    public int Count => 1;

    public IEnumerable<string> Keys => [DeliveryTracker.ClientEventIdKey];

    public IEnumerable<string> Values => [_clientEventId];

    public string this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"'{key}' is not in metadata.custom.");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (string.Equals(key, DeliveryTracker.ClientEventIdKey, StringComparison.Ordinal))
        {
            value = _clientEventId;
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        yield return new KeyValuePair<string, string>(DeliveryTracker.ClientEventIdKey, _clientEventId);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
