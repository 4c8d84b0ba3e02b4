using System;
using System.Buffers;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Tests.Support;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>Every frame survives bytes → event → bytes with its meaning intact, whichever read overload is used.</summary>
public sealed class RoundTripTests
{
    [Theory]
    [MemberData(nameof(FrameFiles.All), MemberType = typeof(FrameFiles))]
    public void Reading_then_writing_a_frame_reproduces_it(string frame)
    {
        var evt = PolyChatJson.Read(FrameFiles.Bytes(frame));

        JsonSemantics.AssertEquivalent(FrameFiles.Text(frame), PolyChatJson.Write(evt));
    }

    [Theory]
    [MemberData(nameof(FrameFiles.All), MemberType = typeof(FrameFiles))]
    public void String_and_segmented_reads_give_the_same_event_as_a_byte_read(string frame)
    {
        var bytes = FrameFiles.Bytes(frame);
        var expected = PolyChatJson.Write(PolyChatJson.Read(bytes));

        Assert.Equal(expected, PolyChatJson.Write(PolyChatJson.Read(FrameFiles.Text(frame))));
        Assert.Equal(expected, PolyChatJson.Write(PolyChatJson.Read(Segments.InThree(bytes))));
        Assert.Equal(expected, PolyChatJson.Write(PolyChatJson.Read(Segments.OneBytePerSegment(bytes))));
        Assert.Equal(expected, PolyChatJson.Write(PolyChatJson.Read(new ReadOnlySequence<byte>(bytes))));
    }

    [Theory]
    [MemberData(nameof(FrameFiles.All), MemberType = typeof(FrameFiles))]
    public void A_frame_is_read_as_the_record_the_schema_declares_for_its_type(string frame)
    {
        var declared = EventCatalogue.ByWireType(FrameFiles.WireType(frame));

        var evt = PolyChatJson.Read(FrameFiles.Bytes(frame));

        Assert.IsType(declared.ClrType, evt);
        Assert.IsNotType<UnknownEvent>(evt);
        Assert.Equal(declared.WireType, evt.Type.Value);
        Assert.True(evt.Type.IsKnown);
    }

    [Theory]
    [MemberData(nameof(FrameFiles.All), MemberType = typeof(FrameFiles))]
    public void Documented_fields_land_in_typed_members_and_not_in_AdditionalProperties(string frame)
    {
        // A round trip alone would pass if a declared field were misread as an extra one; this catches that.
        var evt = PolyChatJson.Read(FrameFiles.Bytes(frame));

        Assert.Empty(ModelWalker.NonEmptyAdditionalProperties(evt));
        Assert.Empty(ModelWalker.UnknownEnumValues(evt));
    }

    [Theory]
    [MemberData(nameof(FrameFiles.All), MemberType = typeof(FrameFiles))]
    public void The_envelope_is_exposed_as_sent(string frame)
    {
        using var document = JsonDocument.Parse(FrameFiles.Bytes(frame));
        var root = document.RootElement;

        var evt = PolyChatJson.Read(FrameFiles.Bytes(frame));

        Assert.Equal(root.TryGetProperty("id", out var id) ? id.GetString() : null, evt.Id);
        Assert.Equal(
            root.TryGetProperty("sequence", out var sequence) && sequence.ValueKind == JsonValueKind.Number ? sequence.GetInt64() : null,
            evt.Sequence);
        Assert.Equal(
            root.TryGetProperty("timestamp", out var timestamp) ? DateTimeOffset.Parse(timestamp.GetString()!, CultureInfo.InvariantCulture) : null,
            evt.Timestamp);
        var expectedCustom = root.TryGetProperty("metadata", out var metadata)
            ? metadata.GetProperty("custom").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : null;
        Assert.Equal(expectedCustom, evt.Metadata?.Custom?.ToDictionary(p => p.Key, p => p.Value));
    }

    [Theory]
    [MemberData(nameof(FrameFiles.All), MemberType = typeof(FrameFiles))]
    public void Writing_is_stable_once_a_frame_has_been_read(string frame)
    {
        var once = PolyChatJson.Write(PolyChatJson.Read(FrameFiles.Bytes(frame)));

        var twice = PolyChatJson.Write(PolyChatJson.Read(once));

        Assert.Equal(once, twice);
    }

    [Theory]
    [MemberData(nameof(FrameFiles.All), MemberType = typeof(FrameFiles))]
    public void Writing_to_a_buffer_writer_gives_the_same_bytes_as_writing_a_string(string frame)
    {
        var evt = PolyChatJson.Read(FrameFiles.Bytes(frame));
        var buffer = new ArrayBufferWriter<byte>(1);

        PolyChatJson.Write(buffer, evt);

        Assert.Equal(PolyChatJson.Write(evt), System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Every_event_type_in_the_schema_has_a_server_frame()
    {
        // Read from the schema's root oneOf, so adding an event there without a frame fails here.
        Assert.Contains(EventCatalogue.Events, e => e.WireType == "EVENT_TYPE_USER_MESSAGE");

        var missing = EventCatalogue.Events.Where(e => !FrameFiles.Exists($"{e.WireType}.json")).Select(e => e.WireType);

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_client_sendable_event_type_has_a_client_form_frame()
    {
        var clientTypes = EventCatalogue.Events.Where(e => e.IsClientSendable).ToArray();
        Assert.NotEmpty(clientTypes);

        var missing = clientTypes.Where(e => !FrameFiles.Exists($"client-{e.WireType}.json")).Select(e => e.WireType);

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_server_frame_file_is_named_after_its_type()
    {
        foreach (var name in FrameFiles.Names(n => n.StartsWith("EVENT_TYPE_", StringComparison.Ordinal)))
        {
            Assert.Equal(name, FrameFiles.WireType(name) + ".json");
        }
    }

    [Fact]
    public void An_event_read_from_bytes_does_not_depend_on_the_caller_keeping_them()
    {
        const string frame = """{"type":"EVENT_TYPE_USER_MESSAGE","payload":{"text":"hello","mood":{"score":0.75}},"trace":"abc"}""";
        var bytes = System.Text.Encoding.UTF8.GetBytes(frame);
        var evt = PolyChatJson.Read(bytes);

        Array.Fill(bytes, (byte)'z');

        JsonSemantics.AssertEquivalent(frame, PolyChatJson.Write(evt));
    }

    [Fact]
    public void An_event_read_from_a_string_survives_later_reads_reusing_pooled_buffers()
    {
        const string frame = """{"type":"EVENT_TYPE_SHOW_CSAT_REQUEST","payload":{"question":"How did we do?"},"trace":"abc"}""";
        var evt = PolyChatJson.Read(frame);

        for (var i = 0; i < 50; i++)
        {
            PolyChatJson.Read("""{"type":"EVENT_TYPE_OTHER","payload":{"zzzzzzzzzzzzzz":"qqqqqqqqqqqqqqqqqqqqqqqq"},"trace":"xyz"}""");
        }

        JsonSemantics.AssertEquivalent(frame, PolyChatJson.Write(evt));
    }

    [Fact]
    public void Concurrent_writes_on_many_threads_do_not_interfere()
    {
        var frames = FrameFiles.Names(n => n.StartsWith("EVENT_TYPE_", StringComparison.Ordinal));
        var events = frames.Select(f => PolyChatJson.Read(FrameFiles.Bytes(f))).ToArray();
        var expected = events.Select(PolyChatJson.Write).ToArray();

        var results = new string[events.Length * 40];
        System.Threading.Tasks.Parallel.For(0, results.Length, i => results[i] = PolyChatJson.Write(events[i % events.Length]));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % events.Length], results[i]);
        }
    }
}
