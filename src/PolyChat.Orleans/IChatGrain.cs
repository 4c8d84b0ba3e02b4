using System.Threading.Tasks;
using Orleans;

namespace PolyChat.Orleans;

/// <summary>
/// One PolyAI chat on the cluster, keyed by its session id. Orleans keeps one activation per chat, which owns the chat's
/// <see cref="Protocol.Client.PolyChatSession"/>; the session's cursor, recent ids and outbox live in the durable session
/// store, so when a silo dies the chat resumes on another where the last one stopped.
/// </summary>
/// <remarks>
/// <para>Events reach the application through an <see cref="IChatObserver"/> given to <see cref="SubscribeAsync"/>, one at
/// a time and in order; each must be acknowledged with <see cref="AcknowledgeAsync"/> before the next comes. Renew the
/// subscription periodically (every few seconds): the renewal is also what brings a chat back on a live silo after its
/// silo died.</para>
/// <para>Methods throw only <see cref="ChatException"/> of their own; a call may also fail because the silo holding the
/// chat died (an Orleans exception or a timeout). Sends are idempotent under their <c>client_event_id</c>: after such a
/// failure, repeat the call with the same id.</para>
/// </remarks>
[Alias("PolyChat.Orleans.IChatGrain")]
public interface IChatGrain : IGrainWithStringKey
{
    /// <summary>
    /// Makes <paramref name="observer"/> the chat's one receiver of events (replacing another), and gives it the event
    /// in hand when it has not received it yet. Calling it again with the same observer renews the subscription and
    /// redelivers nothing.
    /// </summary>
    /// <param name="observer">The application's observer (from <c>CreateObjectReference</c>).</param>
    /// <returns>Whether the chat is still live; once <see cref="ChatState.Ended"/>, stop renewing.</returns>
    [Alias("Subscribe")]
    Task<ChatState> SubscribeAsync(IChatObserver observer);

    /// <summary>
    /// Tells the chat that the application has handled the event with this <see cref="ChatEvent.Id"/>: it is committed
    /// as handled in the store when the chat takes the next event, which is then delivered. Acknowledging an event that
    /// is not the one in hand yet (an acknowledgement repeated after a failover, before the new owner took the event
    /// back) is remembered, so the event is committed without being delivered again.
    /// </summary>
    /// <param name="eventId">The handled event's <see cref="ChatEvent.Id"/>.</param>
    /// <returns>A task that completes when the acknowledgement is recorded.</returns>
    [Alias("Acknowledge")]
    Task AcknowledgeAsync(string eventId);

    /// <summary>
    /// Sends a user message and returns its receipt once the server echoed it (<see cref="ChatDeliveryStatus.Sent"/>) or
    /// the session gave up (<see cref="ChatDeliveryStatus.Failed"/>). The message is stored before it is sent; repeated
    /// with the same <paramref name="clientEventId"/> (after a failed call), it is not sent again and the same receipt
    /// comes back.
    /// </summary>
    /// <param name="clientEventId">The message's <c>client_event_id</c>, chosen by the application, unique in the chat.</param>
    /// <param name="text">The message text.</param>
    /// <returns>The receipt.</returns>
    [Alias("SendMessage")]
    Task<ChatReceipt> SendMessageAsync(string clientEventId, string text);

    /// <summary>
    /// Ends the chat on purpose; its receipt comes like a message's, and the events end with <c>SESSION_END</c>, after
    /// which the chat's activation is let go.
    /// </summary>
    /// <param name="clientEventId">The end request's <c>client_event_id</c>, so that it too can be repeated safely.</param>
    /// <returns>The receipt of the end request.</returns>
    [Alias("End")]
    Task<ChatReceipt> EndAsync(string clientEventId);
}
