using System;
using System.Collections.Generic;
using System.Linq;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Tests.Support;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// Match and Switch call exactly the handler for the event's record, with the event itself (and the state),
/// for every event type and for <see cref="UnknownEvent"/>.
/// </summary>
public sealed class MatchTests
{
    public static TheoryData<string, string> FramesAndVariants()
    {
        var data = new TheoryData<string, string>();
        foreach (var frame in FrameFiles.Names(n => n.StartsWith("EVENT_TYPE_", StringComparison.Ordinal)).Append(UnknownFrame))
        {
            foreach (var variant in new[] { "Match", "Match with state", "Switch", "Switch with state" })
            {
                data.Add(frame, variant);
            }
        }

        return data;
    }

    private const string UnknownFrame = "(unknown type)";

    [Theory]
    [MemberData(nameof(FramesAndVariants))]
    public void Dispatch_calls_only_the_handler_for_the_events_record(string frame, string variant)
    {
        var evt = Load(frame);
        var recorder = new Recorder();

        var result = Dispatch(variant, evt, recorder);

        var call = Assert.Single(recorder.Calls);
        Assert.Equal(evt.GetType().Name, call.Handler);
        Assert.Same(evt, call.Received);
        if (variant.EndsWith("with state", StringComparison.Ordinal))
        {
            Assert.Same(recorder.State, call.State);
        }

        if (variant.StartsWith("Match", StringComparison.Ordinal))
        {
            Assert.Equal(evt.GetType().Name, result);
        }
    }

    [Fact]
    public void Every_schema_event_and_the_unknown_event_are_dispatched_to_distinct_handlers()
    {
        var r = new Recorder();
        var handlers = EventCatalogue.Events
            .Select(e => PolyChatJson.Read(FrameFiles.Bytes($"{e.WireType}.json")))
            .Append(Load(UnknownFrame))
            .Select(evt => evt.Match(
                onClientHandoffRequired: r.Func<ClientHandoffRequiredEvent>(),
                onEventBatch: r.Func<EventBatchEvent>(),
                onHandoffAccepted: r.Func<HandoffAcceptedEvent>(),
                onHandoffFailed: r.Func<HandoffFailedEvent>(),
                onHandoffQueueStatus: r.Func<HandoffQueueStatusEvent>(),
                onHandoffTimeout: r.Func<HandoffTimeoutEvent>(),
                onHeartbeat: r.Func<HeartbeatEvent>(),
                onLanguageChanged: r.Func<LanguageChangedEvent>(),
                onLinkToWebrtcConversation: r.Func<LinkToWebrtcConversationEvent>(),
                onLiveAgentJoined: r.Func<LiveAgentJoinedEvent>(),
                onLiveAgentLeft: r.Func<LiveAgentLeftEvent>(),
                onLiveAgentMessage: r.Func<LiveAgentMessageEvent>(),
                onLiveAgentTyping: r.Func<LiveAgentTypingEvent>(),
                onPolyAgentJoined: r.Func<PolyAgentJoinedEvent>(),
                onPolyAgentLeft: r.Func<PolyAgentLeftEvent>(),
                onPolyAgentMessageChunk: r.Func<PolyAgentMessageChunkEvent>(),
                onPolyAgentMessage: r.Func<PolyAgentMessageEvent>(),
                onPolyAgentThinking: r.Func<PolyAgentThinkingEvent>(),
                onPolyAgentTriggeredHandoff: r.Func<PolyAgentTriggeredHandoffEvent>(),
                onRequestPolyAgentJoin: r.Func<RequestPolyAgentJoinEvent>(),
                onSessionEnd: r.Func<SessionEndEvent>(),
                onSessionIdleWarning: r.Func<SessionIdleWarningEvent>(),
                onSessionStart: r.Func<SessionStartEvent>(),
                onSystemMessage: r.Func<SystemMessageEvent>(),
                onUserEndSession: r.Func<UserEndSessionEvent>(),
                onUserMessage: r.Func<UserMessageEvent>(),
                onUserTyping: r.Func<UserTypingEvent>(),
                onUnknown: r.Func<UnknownEvent>()))
            .ToArray();

        Assert.Equal(EventCatalogue.Events.Count + 1, handlers.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(FramesAndVariants))]
    public void A_null_handler_for_the_chosen_case_throws_ArgumentNullException(string frame, string variant)
    {
        var evt = Load(frame);
        var recorder = new Recorder(nullFor: evt.GetType());
        var name = evt.GetType().Name;
        var expectedParameter = "on" + (evt is UnknownEvent ? "Unknown" : name[..^"Event".Length]);

        var error = Assert.Throws<ArgumentNullException>(() => Dispatch(variant, evt, recorder));

        Assert.Equal(expectedParameter, error.ParamName);
        Assert.Empty(recorder.Calls);
    }

    [Fact]
    public void A_handler_exception_propagates_unchanged()
    {
        var evt = PolyChatJson.Read(FrameFiles.Bytes("EVENT_TYPE_USER_MESSAGE.json"));
        var recorder = new Recorder(throwFor: typeof(UserMessageEvent));

        Assert.Throws<TimeoutException>(() => Dispatch("Match", evt, recorder));
        Assert.Throws<TimeoutException>(() => Dispatch("Switch with state", evt, recorder));
    }

    private static Event Load(string frame) =>
        frame == UnknownFrame
            ? PolyChatJson.Read("""{"id":"u1","sequence":40,"type":"EVENT_TYPE_SHOW_CSAT_REQUEST","payload":{"question":"How did we do?"}}""")
            : PolyChatJson.Read(FrameFiles.Bytes(frame));

    private static string? Dispatch(string variant, Event evt, Recorder r)
    {
        switch (variant)
        {
            case "Match":
                return evt.Match(
                    onClientHandoffRequired: r.Func<ClientHandoffRequiredEvent>(),
                    onEventBatch: r.Func<EventBatchEvent>(),
                    onHandoffAccepted: r.Func<HandoffAcceptedEvent>(),
                    onHandoffFailed: r.Func<HandoffFailedEvent>(),
                    onHandoffQueueStatus: r.Func<HandoffQueueStatusEvent>(),
                    onHandoffTimeout: r.Func<HandoffTimeoutEvent>(),
                    onHeartbeat: r.Func<HeartbeatEvent>(),
                    onLanguageChanged: r.Func<LanguageChangedEvent>(),
                    onLinkToWebrtcConversation: r.Func<LinkToWebrtcConversationEvent>(),
                    onLiveAgentJoined: r.Func<LiveAgentJoinedEvent>(),
                    onLiveAgentLeft: r.Func<LiveAgentLeftEvent>(),
                    onLiveAgentMessage: r.Func<LiveAgentMessageEvent>(),
                    onLiveAgentTyping: r.Func<LiveAgentTypingEvent>(),
                    onPolyAgentJoined: r.Func<PolyAgentJoinedEvent>(),
                    onPolyAgentLeft: r.Func<PolyAgentLeftEvent>(),
                    onPolyAgentMessageChunk: r.Func<PolyAgentMessageChunkEvent>(),
                    onPolyAgentMessage: r.Func<PolyAgentMessageEvent>(),
                    onPolyAgentThinking: r.Func<PolyAgentThinkingEvent>(),
                    onPolyAgentTriggeredHandoff: r.Func<PolyAgentTriggeredHandoffEvent>(),
                    onRequestPolyAgentJoin: r.Func<RequestPolyAgentJoinEvent>(),
                    onSessionEnd: r.Func<SessionEndEvent>(),
                    onSessionIdleWarning: r.Func<SessionIdleWarningEvent>(),
                    onSessionStart: r.Func<SessionStartEvent>(),
                    onSystemMessage: r.Func<SystemMessageEvent>(),
                    onUserEndSession: r.Func<UserEndSessionEvent>(),
                    onUserMessage: r.Func<UserMessageEvent>(),
                    onUserTyping: r.Func<UserTypingEvent>(),
                    onUnknown: r.Func<UnknownEvent>());
            case "Match with state":
                return evt.Match(
                    r.State,
                    onClientHandoffRequired: r.StateFunc<ClientHandoffRequiredEvent>(),
                    onEventBatch: r.StateFunc<EventBatchEvent>(),
                    onHandoffAccepted: r.StateFunc<HandoffAcceptedEvent>(),
                    onHandoffFailed: r.StateFunc<HandoffFailedEvent>(),
                    onHandoffQueueStatus: r.StateFunc<HandoffQueueStatusEvent>(),
                    onHandoffTimeout: r.StateFunc<HandoffTimeoutEvent>(),
                    onHeartbeat: r.StateFunc<HeartbeatEvent>(),
                    onLanguageChanged: r.StateFunc<LanguageChangedEvent>(),
                    onLinkToWebrtcConversation: r.StateFunc<LinkToWebrtcConversationEvent>(),
                    onLiveAgentJoined: r.StateFunc<LiveAgentJoinedEvent>(),
                    onLiveAgentLeft: r.StateFunc<LiveAgentLeftEvent>(),
                    onLiveAgentMessage: r.StateFunc<LiveAgentMessageEvent>(),
                    onLiveAgentTyping: r.StateFunc<LiveAgentTypingEvent>(),
                    onPolyAgentJoined: r.StateFunc<PolyAgentJoinedEvent>(),
                    onPolyAgentLeft: r.StateFunc<PolyAgentLeftEvent>(),
                    onPolyAgentMessageChunk: r.StateFunc<PolyAgentMessageChunkEvent>(),
                    onPolyAgentMessage: r.StateFunc<PolyAgentMessageEvent>(),
                    onPolyAgentThinking: r.StateFunc<PolyAgentThinkingEvent>(),
                    onPolyAgentTriggeredHandoff: r.StateFunc<PolyAgentTriggeredHandoffEvent>(),
                    onRequestPolyAgentJoin: r.StateFunc<RequestPolyAgentJoinEvent>(),
                    onSessionEnd: r.StateFunc<SessionEndEvent>(),
                    onSessionIdleWarning: r.StateFunc<SessionIdleWarningEvent>(),
                    onSessionStart: r.StateFunc<SessionStartEvent>(),
                    onSystemMessage: r.StateFunc<SystemMessageEvent>(),
                    onUserEndSession: r.StateFunc<UserEndSessionEvent>(),
                    onUserMessage: r.StateFunc<UserMessageEvent>(),
                    onUserTyping: r.StateFunc<UserTypingEvent>(),
                    onUnknown: r.StateFunc<UnknownEvent>());
            case "Switch":
                evt.Switch(
                    onClientHandoffRequired: r.Action<ClientHandoffRequiredEvent>(),
                    onEventBatch: r.Action<EventBatchEvent>(),
                    onHandoffAccepted: r.Action<HandoffAcceptedEvent>(),
                    onHandoffFailed: r.Action<HandoffFailedEvent>(),
                    onHandoffQueueStatus: r.Action<HandoffQueueStatusEvent>(),
                    onHandoffTimeout: r.Action<HandoffTimeoutEvent>(),
                    onHeartbeat: r.Action<HeartbeatEvent>(),
                    onLanguageChanged: r.Action<LanguageChangedEvent>(),
                    onLinkToWebrtcConversation: r.Action<LinkToWebrtcConversationEvent>(),
                    onLiveAgentJoined: r.Action<LiveAgentJoinedEvent>(),
                    onLiveAgentLeft: r.Action<LiveAgentLeftEvent>(),
                    onLiveAgentMessage: r.Action<LiveAgentMessageEvent>(),
                    onLiveAgentTyping: r.Action<LiveAgentTypingEvent>(),
                    onPolyAgentJoined: r.Action<PolyAgentJoinedEvent>(),
                    onPolyAgentLeft: r.Action<PolyAgentLeftEvent>(),
                    onPolyAgentMessageChunk: r.Action<PolyAgentMessageChunkEvent>(),
                    onPolyAgentMessage: r.Action<PolyAgentMessageEvent>(),
                    onPolyAgentThinking: r.Action<PolyAgentThinkingEvent>(),
                    onPolyAgentTriggeredHandoff: r.Action<PolyAgentTriggeredHandoffEvent>(),
                    onRequestPolyAgentJoin: r.Action<RequestPolyAgentJoinEvent>(),
                    onSessionEnd: r.Action<SessionEndEvent>(),
                    onSessionIdleWarning: r.Action<SessionIdleWarningEvent>(),
                    onSessionStart: r.Action<SessionStartEvent>(),
                    onSystemMessage: r.Action<SystemMessageEvent>(),
                    onUserEndSession: r.Action<UserEndSessionEvent>(),
                    onUserMessage: r.Action<UserMessageEvent>(),
                    onUserTyping: r.Action<UserTypingEvent>(),
                    onUnknown: r.Action<UnknownEvent>());
                return null;
            case "Switch with state":
                evt.Switch(
                    r.State,
                    onClientHandoffRequired: r.StateAction<ClientHandoffRequiredEvent>(),
                    onEventBatch: r.StateAction<EventBatchEvent>(),
                    onHandoffAccepted: r.StateAction<HandoffAcceptedEvent>(),
                    onHandoffFailed: r.StateAction<HandoffFailedEvent>(),
                    onHandoffQueueStatus: r.StateAction<HandoffQueueStatusEvent>(),
                    onHandoffTimeout: r.StateAction<HandoffTimeoutEvent>(),
                    onHeartbeat: r.StateAction<HeartbeatEvent>(),
                    onLanguageChanged: r.StateAction<LanguageChangedEvent>(),
                    onLinkToWebrtcConversation: r.StateAction<LinkToWebrtcConversationEvent>(),
                    onLiveAgentJoined: r.StateAction<LiveAgentJoinedEvent>(),
                    onLiveAgentLeft: r.StateAction<LiveAgentLeftEvent>(),
                    onLiveAgentMessage: r.StateAction<LiveAgentMessageEvent>(),
                    onLiveAgentTyping: r.StateAction<LiveAgentTypingEvent>(),
                    onPolyAgentJoined: r.StateAction<PolyAgentJoinedEvent>(),
                    onPolyAgentLeft: r.StateAction<PolyAgentLeftEvent>(),
                    onPolyAgentMessageChunk: r.StateAction<PolyAgentMessageChunkEvent>(),
                    onPolyAgentMessage: r.StateAction<PolyAgentMessageEvent>(),
                    onPolyAgentThinking: r.StateAction<PolyAgentThinkingEvent>(),
                    onPolyAgentTriggeredHandoff: r.StateAction<PolyAgentTriggeredHandoffEvent>(),
                    onRequestPolyAgentJoin: r.StateAction<RequestPolyAgentJoinEvent>(),
                    onSessionEnd: r.StateAction<SessionEndEvent>(),
                    onSessionIdleWarning: r.StateAction<SessionIdleWarningEvent>(),
                    onSessionStart: r.StateAction<SessionStartEvent>(),
                    onSystemMessage: r.StateAction<SystemMessageEvent>(),
                    onUserEndSession: r.StateAction<UserEndSessionEvent>(),
                    onUserMessage: r.StateAction<UserMessageEvent>(),
                    onUserTyping: r.StateAction<UserTypingEvent>(),
                    onUnknown: r.StateAction<UnknownEvent>());
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(variant));
        }
    }

    /// <summary>Builds one handler per record; each records its call and returns its record's name.</summary>
    private sealed class Recorder
    {
        private readonly Type? _nullFor;
        private readonly Type? _throwFor;

        public Recorder(Type? nullFor = null, Type? throwFor = null)
        {
            _nullFor = nullFor;
            _throwFor = throwFor;
        }

        public object State { get; } = new();

        public List<(string Handler, Event Received, object? State)> Calls { get; } = new();

        public Func<T, string> Func<T>()
            where T : Event =>
            typeof(T) == _nullFor ? null! : e => Record(typeof(T), e, null);

        public Func<object, T, string> StateFunc<T>()
            where T : Event =>
            typeof(T) == _nullFor ? null! : (s, e) => Record(typeof(T), e, s);

        public Action<T> Action<T>()
            where T : Event =>
            typeof(T) == _nullFor ? null! : e => Record(typeof(T), e, null);

        public Action<object, T> StateAction<T>()
            where T : Event =>
            typeof(T) == _nullFor ? null! : (s, e) => Record(typeof(T), e, s);

        private string Record(Type handler, Event received, object? state)
        {
            if (handler == _throwFor)
            {
                throw new TimeoutException("handler failed");
            }

            Calls.Add((handler.Name, received, state));
            return handler.Name;
        }
    }
}
