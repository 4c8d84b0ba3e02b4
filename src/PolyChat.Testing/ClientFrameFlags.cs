using System;

namespace PolyChat.Testing;

/// <summary>What the simulator noticed about one client frame (see <see cref="ReceivedClientFrame"/>).</summary>
[Flags]
public enum ClientFrameFlags
{
    /// <summary>A well-formed client frame.</summary>
    None = 0,

    /// <summary>The frame carries an <c>id</c>, which the server assigns: clients must not send it (PROTOCOL.md §1a).</summary>
    CarriesId = 1,

    /// <summary>The frame carries a <c>sequence</c>, which the server assigns: clients must not send it (§1a).</summary>
    CarriesSequence = 2,

    /// <summary>The frame carries a <c>timestamp</c>, which the server assigns: clients must not send it (§1a).</summary>
    CarriesTimestamp = 4,

    /// <summary>Not a JSON object, no string <c>type</c>, or a payload the event reader rejects.</summary>
    Malformed = 8,

    /// <summary>The <c>type</c> is not a known event type.</summary>
    UnknownType = 16,

    /// <summary>The <c>type</c> is one only the server may send.</summary>
    ServerOnlyType = 32,

    /// <summary>No <c>payload</c> object (the docs require one, <c>{}</c> when empty, §1a).</summary>
    MissingPayload = 64,

    /// <summary>Larger than the session's <c>max_message_size_bytes</c> (§5d); its content was not read.</summary>
    Oversized = 128,

    /// <summary>A <c>USER_MESSAGE</c> whose <c>metadata.custom.client_event_id</c> the session had already received.</summary>
    RepeatedClientEventId = 256,
}
