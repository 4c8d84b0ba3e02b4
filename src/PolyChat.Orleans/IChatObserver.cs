using System.Threading.Tasks;
using Orleans;

namespace PolyChat.Orleans;

/// <summary>The application's receiver of a chat's events (see <see cref="IChatGrain.SubscribeAsync"/>).</summary>
[Alias("PolyChat.Orleans.IChatObserver")]
public interface IChatObserver : IGrainObserver
{
    /// <summary>
    /// Receives the chat's next event. Return as soon as it is taken (do not call the chat from here and wait for it);
    /// once it is handled, call <see cref="IChatGrain.AcknowledgeAsync"/> with its <see cref="ChatEvent.Id"/>. An event can
    /// come again after a failover (at most once more per failover, like a resumed session's event in hand): handle
    /// events idempotently, by <see cref="ChatEvent.Id"/>.
    /// </summary>
    /// <param name="chatEvent">The event.</param>
    /// <returns>A task that completes when the event is taken.</returns>
    [Alias("OnEvent")]
    Task OnEventAsync(ChatEvent chatEvent);
}
