using System;

namespace PolyChat.Protocol.Client;

/// <summary>
/// A frame was to go out while the session had no socket (reconnecting, or ended). Internal: a tracked message's
/// attempt that meets it is owed to the next connection, and a typing indicator is simply not sent.
/// </summary>
internal sealed class SessionNotConnectedException() : InvalidOperationException("The session is not connected.");
