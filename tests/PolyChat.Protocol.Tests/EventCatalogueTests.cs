using System;
using System.Linq;
using System.Reflection;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Tests.Support;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>Each generated record describes its event as the schema does: wire type, transience, known type.</summary>
public sealed class EventCatalogueTests
{
    [Theory]
    [MemberData(nameof(FrameFiles.Server), MemberType = typeof(FrameFiles))]
    public void The_record_carries_the_schema_wire_type(string frame)
    {
        var declared = EventCatalogue.ByWireType(FrameFiles.WireType(frame));

        var wireType = declared.ClrType.GetField("WireType", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);

        Assert.Equal(declared.WireType, wireType);
        Assert.True(new EventType(declared.WireType).IsKnown);
    }

    [Theory]
    [MemberData(nameof(FrameFiles.Server), MemberType = typeof(FrameFiles))]
    public void Transience_follows_the_schema(string frame)
    {
        var declared = EventCatalogue.ByWireType(FrameFiles.WireType(frame));

        Assert.Equal(declared.IsTransient, PolyChatJson.Read(FrameFiles.Bytes(frame)).IsTransient);
    }

    [Fact]
    public void Live_agent_typing_is_the_documented_transient_event()
    {
        Assert.Contains(EventCatalogue.Events, e => e.WireType == "EVENT_TYPE_LIVE_AGENT_TYPING" && e.IsTransient);
    }

    [Fact]
    public void Exactly_the_schema_event_types_are_known()
    {
        Assert.All(EventCatalogue.Events, e => Assert.True(new EventType(e.WireType).IsKnown, e.WireType));
        Assert.False(new EventType("EVENT_TYPE_SHOW_CSAT_REQUEST").IsKnown);
        Assert.False(new EventType("event_type_user_message").IsKnown);
        Assert.False(default(EventType).IsKnown);
        Assert.Equal(string.Empty, default(EventType).Value);
    }

    [Fact]
    public void Every_sealed_event_record_is_in_the_schema()
    {
        var records = typeof(Event).Assembly.GetTypes()
            .Where(t => t.IsSealed && t.IsSubclassOf(typeof(Event)) && t != typeof(UnknownEvent))
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(EventCatalogue.Events.Select(e => e.DefinitionName).Order(StringComparer.Ordinal), records);
    }
}
