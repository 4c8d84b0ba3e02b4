using Orleans;

namespace PolyChat.Orleans;

/// <summary>Whether a chat goes on (<see cref="IChatGrain.SubscribeAsync"/>).</summary>
[GenerateSerializer, Alias("PolyChat.Orleans.ChatState")]
public enum ChatState
{
    /// <summary>The chat goes on: keep the subscription renewed.</summary>
    Live = 1,

    /// <summary>PolyAI ended the chat and its <c>SESSION_END</c> was handled (or the server no longer knows it): nothing more will come.</summary>
    Ended = 2,
}
