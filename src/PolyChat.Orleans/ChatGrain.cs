using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Runtime;
using PolyChat.Protocol.Client;

namespace PolyChat.Orleans;

/// <summary>
/// The one owner of a chat on the cluster: its activation starts the chat's stored session (waiting out the lease of an
/// owner whose silo died), hands its events to the application's observer one at a time, sends its messages, and lets
/// go of it when PolyAI ends the chat or the silo stops.
/// </summary>
/// <remarks>
/// Reentrant, so that a send waiting for its receipt, an acknowledgement and the event loop never wait for each other;
/// Orleans still runs one turn at a time, so the fields need no locks. Its split: starting and restarting the session
/// (<c>ChatGrain.Session.cs</c>), delivering events (<c>ChatGrain.Delivery.cs</c>) and sending (<c>ChatGrain.Sending.cs</c>).
/// Placed at random, so chats spread evenly over the silos, including a silo that joins, for new chats and those that
/// fail over (activation-count placement sends a burst of new chats to one silo, whose count it learns only later).
/// </remarks>
[Reentrant]
[RandomPlacement]
internal sealed partial class ChatGrain : Grain, IChatGrain
{
    private readonly ChatHostOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private string _chatId = string.Empty;
    private string _owner = string.Empty;
    private Task? _run;
    private IGrainTimer? _keepAlive;
    private ChatState _state = ChatState.Live;

    public ChatGrain(IOptions<ChatHostOptions> options, ILogger<ChatGrain> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _chatId = this.GetPrimaryKeyString();

        // The lease names the silo and the activation: a log line or `polychat sessions` shows which owner holds a chat.
        _owner = $"{GrainContext.Address.SiloAddress}/{GrainContext.ActivationId}";

        // Keeps the activation in memory while the chat is live, whoever calls it: the session's heartbeat and retry
        // schedule run on its own timers, which Orleans does not see, so an idle chat would otherwise be collected.
        _keepAlive = this.RegisterGrainTimer(OnTickAsync, new GrainTimerCreationOptions
        {
            DueTime = _options.KeepAlivePeriod,
            Period = _options.KeepAlivePeriod,
            Interleave = true,
            KeepAlive = true,
        });

        // Not awaited: the lease of a dead owner can take seconds to expire, and the chat answers calls meanwhile
        // (subscriptions and acknowledgements are kept; sends wait for the session).
        _run = RunAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        ChatLog.Leaving(_logger, _chatId, _owner, reason.ReasonCode);
        _keepAlive?.Dispose();

        // Stop taking events: an event taken but not yet delivered stays uncommitted for the next owner, and an event
        // acknowledged is committed before the loop stops (the commit runs before the loop waits for the next one).
        _stopping.Cancel();
        FailWaitingSends(new ChatException($"Chat {_chatId} is moving to another silo; repeat the call.", canRetry: true));
        try
        {
            if (_run is not null)
            {
                await _run.WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // A silo stopping without grace: the next owner takes the chat once this owner's lease expires.
        }

        if (_session is { } session)
        {
            _session = null;

            // Disposing lets go of the lease at once (the next owner need not wait for it) and leaves what is pending in
            // the outbox for the next owner. Without grace it is not awaited.
            var disposing = session.DisposeAsync().AsTask();
            if (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await disposing.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Gone with the silo; the lease expires by itself.
                }
            }
        }
    }

    /// <summary>The keep-alive tick: offers the event in hand again when its observer was not reached, or never acknowledged it.</summary>
    private Task OnTickAsync(CancellationToken cancellationToken)
    {
        OfferAgainIfUnanswered();
        return Task.CompletedTask;
    }

    /// <summary>PolyAI ended the chat (or the server no longer knows it): nothing more comes, so the activation may go.</summary>
    private void Finish(string reason)
    {
        if (_state == ChatState.Ended)
        {
            return;
        }

        _state = ChatState.Ended;
        ChatLog.Ended(_logger, _chatId, reason);
        FailWaitingSends(new ChatException($"Chat {_chatId} has ended ({reason}).", canRetry: false));
        _keepAlive?.Dispose();
        _keepAlive = null;
        DeactivateOnIdle();
    }
}
