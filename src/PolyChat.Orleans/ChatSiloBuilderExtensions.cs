using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace PolyChat.Orleans;

/// <summary>Hosts PolyAI chats on a silo.</summary>
public static class ChatSiloBuilderExtensions
{
    /// <summary>
    /// Lets the silo host <see cref="IChatGrain"/> activations: each owns its chat's session, stored in
    /// <see cref="ChatHostOptions.Store"/>. Every silo of the cluster must be configured alike.
    /// </summary>
    /// <param name="builder">The silo.</param>
    /// <param name="configure">Sets the store and the session options.</param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder AddPolyChatSessions(this ISiloBuilder builder, Action<ChatHostOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<ChatHostOptions>().Configure(configure).Validate(options =>
        {
            options.Validate();
            return true;
        }).ValidateOnStart();
        return builder;
    }
}
