using System.Globalization;
using System.Linq;
using PolyChat.Protocol.Generators.Helpers;
using PolyChat.Protocol.Generators.Model;

namespace PolyChat.Protocol.Generators.Emit;

/// <summary>Emits the closed <c>Event</c> union: the envelope base record, <c>UnknownEvent</c> and exhaustive matching.</summary>
internal static class UnionEmitter
{
    public static string Emit(UnionEmitModel model)
    {
        var ns = model.Namespace;
        var writer = new SourceWriter();
        Headers.Write(writer, ns);
        var metadataType = TypeSyntax.Name(model.MetadataType, ns);

        writer.WriteBlock($$"""
            /// <summary>
            /// One event of the protocol: the envelope every frame shares plus a typed payload.
            /// A closed union: every event type is one sealed record deriving from this one, and
            /// <see cref="UnknownEvent"/> keeps any type the schema does not know.
            /// </summary>
            /// <remarks>
            /// Record equality compares lists and dictionaries by reference; compare serialized JSON for deep equality.
            /// </remarks>
            {{Headers.GeneratedCode}}
            public abstract partial record Event
            """);
        writer.OpenBrace();
        writer.WriteBlock($$"""
            // The union is closed: only the records generated beside it can derive from it.
            private protected Event()
            {
            }

            /// <summary>The server-assigned event id, unique per event; null on client-built events.</summary>
            public string? Id { get; init; }

            /// <summary>The server-assigned position in the session's history; null for transient events and client-built ones.</summary>
            public long? Sequence { get; init; }

            /// <summary>When the server processed the event; null on client-built events.</summary>
            public global::System.DateTimeOffset? Timestamp { get; init; }

            /// <summary>The envelope's <c>metadata</c>, echoed by the server when the client sent it.</summary>
            public {{metadataType}}? Metadata { get; init; }

            /// <summary>Envelope properties the schema does not declare, written back unchanged so nothing is lost.</summary>
            public global::System.Collections.Generic.IReadOnlyDictionary<string, global::System.Text.Json.JsonElement>? AdditionalProperties { get; init; }

            /// <summary>The wire type of this event.</summary>
            public abstract global::{{ns}}.EventType Type { get; }

            /// <summary>Which side sends this event type.</summary>
            public abstract global::PolyChat.Protocol.EventDirection Direction { get; }

            /// <summary>Whether events of this type are transient (no sequence, not kept in history).</summary>
            public abstract bool IsTransient { get; }

            // The case index lets Match and the converter dispatch with one switch instead of a chain of type tests.
            internal abstract int Case { get; }
            """);
        EmitMatch(writer, model, withState: false);
        EmitMatch(writer, model, withState: true);
        EmitSwitch(writer, model, withState: false);
        EmitSwitch(writer, model, withState: true);
        writer.CloseBrace();
        writer.WriteLine();
        EmitUnknownEvent(writer, ns);
        return writer.ToString();
    }

    private static void EmitMatch(SourceWriter writer, UnionEmitModel model, bool withState)
    {
        var ns = model.Namespace;
        var state = withState ? "TState, " : string.Empty;
        writer.WriteLine();
        writer.WriteLine("/// <summary>Returns the result of the function for this event's type. Every type must be handled.</summary>");
        if (withState)
        {
            writer.WriteLine("/// <typeparam name=\"TState\">State passed to the function, so callers need no capturing closure.</typeparam>");
        }

        writer.WriteLine("/// <typeparam name=\"TResult\">The result type.</typeparam>");
        if (withState)
        {
            writer.WriteLine("/// <param name=\"state\">The state passed to the chosen function.</param>");
        }

        foreach (var e in model.Events)
        {
            writer.WriteLine($"/// <param name=\"on{e.CaseName}\">Called for <see cref=\"{e.Name}\"/>.</param>");
        }

        writer.WriteLine("/// <param name=\"onUnknown\">Called for <see cref=\"UnknownEvent\"/>.</param>");
        writer.WriteLine("/// <returns>The chosen function's result.</returns>");
        var generic = withState ? "<TState, TResult>" : "<TResult>";
        writer.WriteLine($"public TResult Match{generic}(");
        writer.Indent();
        if (withState)
        {
            writer.WriteLine("TState state,");
        }

        foreach (var e in model.Events)
        {
            writer.WriteLine($"global::System.Func<{state}global::{ns}.{e.Name}, TResult> on{e.CaseName},");
        }

        writer.WriteLine($"global::System.Func<{state}global::{ns}.UnknownEvent, TResult> onUnknown)");
        writer.Unindent();
        writer.OpenBrace();
        writer.WriteLine("switch (Case)");
        writer.OpenBrace();
        var stateArg = withState ? "state, " : string.Empty;
        foreach (var e in model.Events)
        {
            writer.WriteBlock($$"""
                case global::{{ns}}.EventJsonConverter.{{e.CaseName}}Case:
                    return (on{{e.CaseName}} ?? throw new global::System.ArgumentNullException(nameof(on{{e.CaseName}})))({{stateArg}}(global::{{ns}}.{{e.Name}})this);
                """);
        }

        writer.WriteBlock($$"""
            default:
                return (onUnknown ?? throw new global::System.ArgumentNullException(nameof(onUnknown)))({{stateArg}}(global::{{ns}}.UnknownEvent)this);
            """);
        writer.CloseBrace();
        writer.CloseBrace();
    }

    private static void EmitSwitch(SourceWriter writer, UnionEmitModel model, bool withState)
    {
        var ns = model.Namespace;
        var state = withState ? "TState, " : string.Empty;
        writer.WriteLine();
        writer.WriteLine("/// <summary>Calls the action for this event's type. Every type must be handled.</summary>");
        if (withState)
        {
            writer.WriteLine("/// <typeparam name=\"TState\">State passed to the action, so callers need no capturing closure.</typeparam>");
            writer.WriteLine("/// <param name=\"state\">The state passed to the chosen action.</param>");
        }

        foreach (var e in model.Events)
        {
            writer.WriteLine($"/// <param name=\"on{e.CaseName}\">Called for <see cref=\"{e.Name}\"/>.</param>");
        }

        writer.WriteLine("/// <param name=\"onUnknown\">Called for <see cref=\"UnknownEvent\"/>.</param>");
        writer.WriteLine(withState ? "public void Switch<TState>(" : "public void Switch(");
        writer.Indent();
        if (withState)
        {
            writer.WriteLine("TState state,");
        }

        foreach (var e in model.Events)
        {
            writer.WriteLine($"global::System.Action<{state}global::{ns}.{e.Name}> on{e.CaseName},");
        }

        writer.WriteLine($"global::System.Action<{state}global::{ns}.UnknownEvent> onUnknown)");
        writer.Unindent();
        writer.OpenBrace();
        writer.WriteLine("switch (Case)");
        writer.OpenBrace();
        var stateArg = withState ? "state, " : string.Empty;
        foreach (var e in model.Events)
        {
            writer.WriteBlock($$"""
                case global::{{ns}}.EventJsonConverter.{{e.CaseName}}Case:
                    (on{{e.CaseName}} ?? throw new global::System.ArgumentNullException(nameof(on{{e.CaseName}})))({{stateArg}}(global::{{ns}}.{{e.Name}})this);
                    break;
                """);
        }

        writer.WriteBlock($$"""
            default:
                (onUnknown ?? throw new global::System.ArgumentNullException(nameof(onUnknown)))({{stateArg}}(global::{{ns}}.UnknownEvent)this);
                break;
            """);
        writer.CloseBrace();
        writer.CloseBrace();
    }

    private static void EmitUnknownEvent(SourceWriter writer, string ns)
    {
        writer.WriteBlock($$"""
            /// <summary>
            /// An event whose type the schema does not list. It keeps the raw type string and payload, so it is
            /// written back as an equivalent object: receiving a newer protocol never loses data.
            /// </summary>
            /// <param name="RawType">The <c>type</c> string as received.</param>
            /// <param name="Payload">The <c>payload</c> as received, or null when the frame had none.</param>
            {{Headers.GeneratedCode}}
            public sealed partial record UnknownEvent(string RawType, global::System.Text.Json.JsonElement? Payload) : global::{{ns}}.Event
            {
                /// <inheritdoc/>
                public override global::{{ns}}.EventType Type => new(RawType);

                /// <summary>Unknown events are only ever received, so they are reported as server events.</summary>
                public override global::PolyChat.Protocol.EventDirection Direction => global::PolyChat.Protocol.EventDirection.Server;

                /// <summary>Unknown to the schema, so judged from the envelope: transient when it carries no sequence.</summary>
                public override bool IsTransient => Sequence is null;

                internal override int Case => -1;
            }
            """);
    }

    /// <summary>The wire types as an open enum, with its converter: the enum emitter's output for the event list.</summary>
    public static string EmitEventType(UnionEmitModel model)
    {
        var members = model.Events.Select(e => new EnumMemberSpec(e.CaseName, e.WireType)).ToEquatableArray();
        var spec = new EnumSpec("EventType", "The <c>type</c> discriminator of an event, known or not.", members, "$.oneOf");
        return EnumEmitter.Emit(new EnumEmitModel(model.Namespace, spec));
    }

    public static string CaseIndex(int index) => index.ToString(CultureInfo.InvariantCulture);
}
