using System.Linq;
using PolyChat.Protocol.Generators.Helpers;
using PolyChat.Protocol.Generators.Model;

namespace PolyChat.Protocol.Generators.Emit;

/// <summary>
/// Emits the union's converter. The <c>type</c> discriminator may stand anywhere in the object: when it
/// comes first the reader goes straight through; otherwise a copy of the reader looks ahead for it
/// (no buffering into a DOM), so the payload is always read directly into its typed record.
/// </summary>
internal static class EventConverterEmitter
{
    private static readonly string[] EnvelopeProperties = { "type", "id", "sequence", "timestamp", "payload", "metadata" };

    public static string Emit(UnionEmitModel model)
    {
        var ns = model.Namespace;
        var events = model.Events;
        var writer = new SourceWriter();
        Headers.Write(writer, ns);
        writer.WriteBlock($$"""
            /// <summary>Reads and writes any <see cref="Event"/>, choosing the record by its <c>type</c>.</summary>
            {{Headers.GeneratedCode}}
            internal sealed class EventJsonConverter : global::System.Text.Json.Serialization.JsonConverter<global::{{ns}}.Event>
            """);
        writer.OpenBrace();
        writer.WriteLine("public static readonly EventJsonConverter Instance = new();");
        writer.WriteLine();
        for (var i = 0; i < events.Count; i++)
        {
            writer.WriteLine($"public const int {events[i].CaseName}Case = {UnionEmitter.CaseIndex(i)};");
        }

        writer.WriteLine();
        foreach (var name in EnvelopeProperties)
        {
            writer.WriteLine($"private static readonly global::System.Text.Json.JsonEncodedText {Naming(name)}PropertyName = global::System.Text.Json.JsonEncodedText.Encode(\"{name}\");");
        }

        foreach (var e in events)
        {
            writer.WriteLine($"private static readonly global::System.Text.Json.JsonEncodedText {e.CaseName}Type = global::System.Text.Json.JsonEncodedText.Encode({TypeSyntax.Literal(e.WireType)});");
        }

        writer.WriteLine();
        writer.WriteBlock($$"""
            public override global::{{ns}}.Event Read(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Type typeToConvert, global::System.Text.Json.JsonSerializerOptions options) =>
                ReadValue(ref reader, options);

            public override void Write(global::System.Text.Json.Utf8JsonWriter writer, global::{{ns}}.Event value, global::System.Text.Json.JsonSerializerOptions options) =>
                WriteValue(writer, value, options);
            """);
        writer.WriteLine();
        EmitReadValue(writer, model);
        EmitTypeReading(writer);
        EmitPayloadReading(writer, model);
        EmitWriting(writer, model);
        writer.WriteLine();
        PropertyMatcher.EmitMatcher(writer, "MatchEnvelopeProperty", EnvelopeProperties.Select((p, i) => (p, i)).ToArray());
        writer.WriteLine();
        PropertyMatcher.EmitMatcher(writer, "MatchEventType", events.Select((e, i) => (e.WireType, i)).ToArray());
        CollectionEmitter.EmitMethods(writer, ns, model.MetadataType, "Metadata", "metadata");
        writer.CloseBrace();
        writer.WriteLine();
        EmitSubtypeConverter(writer, ns);
        return writer.ToString();
    }

    private static void EmitReadValue(SourceWriter writer, UnionEmitModel model)
    {
        var ns = model.Namespace;
        writer.WriteLine($"public static global::{ns}.Event ReadValue(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Text.Json.JsonSerializerOptions? options)");
        writer.OpenBrace();
        writer.WriteBlock($$"""
            {{TypeSyntax.Helpers}}.ExpectStartObject(ref reader, "An event");
            var eventCase = -1;
            string? rawType = null;
            var typeKnown = false;
            var typeRead = false;
            string? id = null;
            long? sequence = null;
            global::System.DateTimeOffset? timestamp = null;
            {{TypeSyntax.Name(model.MetadataType, ns)}}? metadata = null;
            object? payload = null;
            global::System.Text.Json.JsonElement? rawPayload = null;
            global::System.Collections.Generic.Dictionary<string, global::System.Text.Json.JsonElement>? additionalProperties = null;
            while ({{TypeSyntax.Helpers}}.NextProperty(ref reader))
            {
                switch (MatchEnvelopeProperty(ref reader))
                {
                    case 0:
                        if (typeRead)
                        {
                            // Two discriminators make the frame ambiguous: a forged second one must not win.
                            throw {{TypeSyntax.Helpers}}.Error(ref reader, "The event has more than one 'type' property.");
                        }

                        typeRead = true;
                        reader.Read();
                        if (typeKnown)
                        {
                            // Already read by the look-ahead; it was a string.
                            break;
                        }

                        eventCase = ReadType(ref reader, out rawType);
                        typeKnown = true;
                        break;
                    case 1:
                        reader.Read();
                        id = reader.TokenType == global::System.Text.Json.JsonTokenType.Null ? null : {{TypeSyntax.Helpers}}.ReadString(ref reader, "id");
                        break;
                    case 2:
                        reader.Read();
                        sequence = reader.TokenType == global::System.Text.Json.JsonTokenType.Null ? null : {{TypeSyntax.Helpers}}.ReadInt64(ref reader, "sequence");
                        break;
                    case 3:
                        reader.Read();
                        timestamp = reader.TokenType == global::System.Text.Json.JsonTokenType.Null ? null : {{TypeSyntax.Helpers}}.ReadDateTimeOffset(ref reader, "timestamp");
                        break;
                    case 4:
                        if (!typeKnown)
                        {
                            // The payload came before the type: look ahead on a copy of the reader.
                            eventCase = FindType(reader, out rawType);
                            typeKnown = true;
                        }

                        reader.Read();
                        payload = ReadPayload(ref reader, eventCase, options, out rawPayload);
                        break;
                    case 5:
                        reader.Read();
                        metadata = reader.TokenType == global::System.Text.Json.JsonTokenType.Null ? null : {{TypeSyntax.ReadExpression(model.MetadataType, ns, "metadata", "ReadMetadata")}};
                        break;
                    default:
                        {{TypeSyntax.Helpers}}.ReadAdditionalProperty(ref reader, ref additionalProperties);
                        break;
                }
            }

            if (!typeKnown)
            {
                throw {{TypeSyntax.Helpers}}.Error(ref reader, "The event has no 'type' property.");
            }
            """);
        writer.WriteLine();
        writer.WriteLine("switch (eventCase)");
        writer.OpenBrace();
        foreach (var e in model.Events)
        {
            var payloadType = $"global::{ns}.{e.PayloadType}";
            // A payload-less frame is accepted when the payload has nothing required: lenient on input.
            var missing = e.PayloadHasRequiredProperties
                ? $"throw {TypeSyntax.Helpers}.MissingProperty(ref reader, \"payload\", \"{e.Name}\")"
                : $"new {payloadType}()";
            writer.WriteBlock($$"""
                case {{e.CaseName}}Case:
                    return new global::{{ns}}.{{e.Name}}(payload is null ? {{missing}} : ({{payloadType}})payload)
                    {
                        Id = id, Sequence = sequence, Timestamp = timestamp, Metadata = metadata, AdditionalProperties = additionalProperties,
                    };
                """);
        }

        writer.WriteBlock($$"""
            default:
                return new global::{{ns}}.UnknownEvent(rawType!, rawPayload)
                {
                    Id = id, Sequence = sequence, Timestamp = timestamp, Metadata = metadata, AdditionalProperties = additionalProperties,
                };
            """);
        writer.CloseBrace();
        writer.CloseBrace();
    }

    private static void EmitTypeReading(SourceWriter writer)
    {
        writer.WriteLine();
        writer.WriteBlock($$"""
            /// <summary>Reads the discriminator: the case of a known type (no allocation), or -1 with the raw string.</summary>
            private static int ReadType(ref global::System.Text.Json.Utf8JsonReader reader, out string? rawType)
            {
                {{TypeSyntax.Helpers}}.ExpectString(ref reader, "type");
                var eventCase = MatchEventType(ref reader);
                rawType = eventCase < 0 ? {{TypeSyntax.Helpers}}.GetString(ref reader) : null;
                return eventCase;
            }

            /// <summary>Scans the rest of the object on a copy of the reader (passed by value) for the 'type' property.</summary>
            private static int FindType(global::System.Text.Json.Utf8JsonReader lookahead, out string? rawType)
            {
                while (lookahead.TokenType == global::System.Text.Json.JsonTokenType.PropertyName)
                {
                    if (MatchEnvelopeProperty(ref lookahead) == 0)
                    {
                        lookahead.Read();
                        return ReadType(ref lookahead, out rawType);
                    }

                    lookahead.Read();
                    if (!lookahead.TrySkip())
                    {
                        throw {{TypeSyntax.Helpers}}.Error(ref lookahead, "The event object is incomplete.");
                    }

                    lookahead.Read();
                }

                throw {{TypeSyntax.Helpers}}.Error(ref lookahead, "The event has no 'type' property.");
            }
            """);
    }

    private static void EmitPayloadReading(SourceWriter writer, UnionEmitModel model)
    {
        var ns = model.Namespace;
        writer.WriteLine();
        writer.WriteLine("private static object? ReadPayload(ref global::System.Text.Json.Utf8JsonReader reader, int eventCase, global::System.Text.Json.JsonSerializerOptions? options, out global::System.Text.Json.JsonElement? rawPayload)");
        writer.OpenBrace();
        writer.WriteLine("rawPayload = null;");
        writer.WriteLine("switch (eventCase)");
        writer.OpenBrace();
        foreach (var e in model.Events)
        {
            writer.WriteBlock($$"""
                case {{e.CaseName}}Case:
                    return global::{{ns}}.{{e.PayloadType}}JsonConverter.ReadValue(ref reader, options);
                """);
        }

        writer.WriteBlock($$"""
            default:
                rawPayload = {{TypeSyntax.Helpers}}.ReadElement(ref reader);
                return null;
            """);
        writer.CloseBrace();
        writer.CloseBrace();
    }

    private static void EmitWriting(SourceWriter writer, UnionEmitModel model)
    {
        var ns = model.Namespace;
        writer.WriteLine();
        writer.WriteBlock($$"""
            /// <summary>Writes the event with its full envelope, as received.</summary>
            public static void WriteValue(global::System.Text.Json.Utf8JsonWriter writer, global::{{ns}}.Event value, global::System.Text.Json.JsonSerializerOptions? options) =>
                Write(writer, value, options, envelope: true);

            /// <summary>Writes only <c>type</c>, <c>payload</c> and <c>metadata</c>: what a client may send.</summary>
            public static void WriteOutbound(global::System.Text.Json.Utf8JsonWriter writer, global::{{ns}}.Event value, global::System.Text.Json.JsonSerializerOptions? options) =>
                Write(writer, value, options, envelope: false);
            """);
        writer.WriteLine();
        writer.WriteLine($"private static void Write(global::System.Text.Json.Utf8JsonWriter writer, global::{ns}.Event value, global::System.Text.Json.JsonSerializerOptions? options, bool envelope)");
        writer.OpenBrace();
        writer.WriteBlock($$"""
            writer.WriteStartObject();
            if (envelope)
            {
                if (value.Id is { } id)
                {
                    writer.WriteString(IdPropertyName, id);
                }

                if (value.Sequence is { } sequence)
                {
                    writer.WriteNumber(SequencePropertyName, sequence);
                }
                else if (value.Id is not null)
                {
                    // A server-stamped event without a sequence is transient: the wire spells that as null.
                    writer.WriteNull(SequencePropertyName);
                }

                if (value.Timestamp is { } timestamp)
                {
                    writer.WritePropertyName(TimestampPropertyName);
                    {{TypeSyntax.Helpers}}.WriteDateTimeOffsetValue(writer, timestamp);
                }
            }
            """);
        writer.WriteLine();
        writer.WriteLine("switch (value.Case)");
        writer.OpenBrace();
        foreach (var e in model.Events)
        {
            writer.WriteBlock($$"""
                case {{e.CaseName}}Case:
                    writer.WriteString(TypePropertyName, {{e.CaseName}}Type);
                    writer.WritePropertyName(PayloadPropertyName);
                    global::{{ns}}.{{e.PayloadType}}JsonConverter.WriteValue(writer, ((global::{{ns}}.{{e.Name}})value).Payload, options);
                    break;
                """);
        }

        writer.WriteBlock($$"""
            default:
                var unknown = (global::{{ns}}.UnknownEvent)value;
                writer.WriteString(TypePropertyName, unknown.RawType);
                if (unknown.Payload is { } rawPayload)
                {
                    writer.WritePropertyName(PayloadPropertyName);
                    rawPayload.WriteTo(writer);
                }

                break;
            """);
        writer.CloseBrace();
        writer.WriteLine();
        writer.WriteBlock($$"""
            if (value.Metadata is { } metadata)
            {
                {{TypeSyntax.WritePropertyStatement(model.MetadataType, ns, "MetadataPropertyName", "metadata", "WriteMetadata")}}
            }

            if (envelope)
            {
                {{TypeSyntax.Helpers}}.WriteAdditionalProperties(writer, value.AdditionalProperties);
            }

            writer.WriteEndObject();
            """);
        writer.CloseBrace();
    }

    private static void EmitSubtypeConverter(SourceWriter writer, string ns)
    {
        writer.WriteBlock($$"""
            /// <summary>Serves one event record type through the union converter, checking the type on read.</summary>
            {{Headers.GeneratedCode}}
            internal sealed class EventJsonConverter<TEvent> : global::System.Text.Json.Serialization.JsonConverter<TEvent>
                where TEvent : global::{{ns}}.Event
            {
                public static readonly EventJsonConverter<TEvent> Instance = new();

                public override TEvent Read(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Type typeToConvert, global::System.Text.Json.JsonSerializerOptions options)
                {
                    var start = reader.TokenStartIndex;
                    var value = global::{{ns}}.EventJsonConverter.ReadValue(ref reader, options);
                    return value as TEvent
                        ?? throw new global::PolyChat.Protocol.PolyChatJsonException($"Expected a {typeof(TEvent).Name} but the event's type is '{value.Type}'.", start);
                }

                public override void Write(global::System.Text.Json.Utf8JsonWriter writer, TEvent value, global::System.Text.Json.JsonSerializerOptions options) =>
                    global::{{ns}}.EventJsonConverter.WriteValue(writer, value, options);
            }
            """);
    }

    private static string Naming(string jsonName) => char.ToUpperInvariant(jsonName[0]) + jsonName.Substring(1);
}
