using System;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace PolyChat.Orleans.Tests;

/// <summary>Each test silo: hosts chats on the shared store through its own <see cref="SiloFate"/>, and declares a dead peer fast.</summary>
public sealed class ChatSiloConfigurator : ISiloConfigurator
{
    /// <summary>The lease a dead owner leaves behind; a failover waits for it at most.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);

    public void Configure(ISiloBuilder siloBuilder)
    {
        var fate = new SiloFate();
        siloBuilder.Services.AddSingleton(fate);
        siloBuilder.AddPolyChatSessions(options =>
        {
            options.Store = fate.Store;
            options.SessionOptions = fate.CreateOptionsAsync;
            if (!ChatWorld.Current.Defaults)
            {
                options.LeaseDuration = LeaseDuration;
                options.KeepAlivePeriod = TimeSpan.FromSeconds(1);
                options.MaxStartRetryDelay = TimeSpan.FromSeconds(1);
            }
        });

        // Nor does a dead silo call out: its grains (still in this process) reach no other silo and no client, as a
        // killed process reaches nothing. Without this, a dead owner whose session gives up later could still push.
        // Only the chats' own calls: the silo's system calls are how TestCluster's kill takes it out of the cluster.
        siloBuilder.AddOutgoingGrainCallFilter(async context =>
        {
            if (context.Request.GetInterfaceType() is var called && (called == typeof(IChatObserver) || called == typeof(IChatGrain)))
            {
                fate.ThrowIfDead();
            }

            await context.Invoke();
        });

        // A killed silo is declared dead after two missed probes of a second each, by one vote: its chats' directory
        // entries go, and the next call activates them on a live silo.
        siloBuilder.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(1);
            options.NumMissedProbesLimit = 2;
            options.NumVotesForDeathDeclaration = 1;
        });
    }
}

/// <summary>The app's client: calls to a dead silo give up in seconds, not the default 30, so the app retries sooner.</summary>
public sealed class ChatClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(10));
}
