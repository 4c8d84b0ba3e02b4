using PolyChat.Protocol.Generators.Helpers;
using PolyChat.Protocol.Generators.Model;

namespace PolyChat.Protocol.Generators.Emit;

/// <summary>Emits one sealed record of the event union.</summary>
internal static class EventEmitter
{
    /// <summary><c>UserMessageEvent</c> → <c>UserMessage</c>: the name of its <c>EventType</c> member and Match case.</summary>
    public static string CaseName(string eventName) => Parsing.Naming.EventCaseName(eventName);

    public static string DirectionName(EventDirection direction) => direction switch
    {
        EventDirection.Client => "Client",
        EventDirection.Both => "Both",
        _ => "Server",
    };

    public static string Emit(EventEmitModel model)
    {
        var (ns, spec) = (model.Namespace, model.Event);
        var writer = new SourceWriter();
        Headers.Write(writer, ns);
        DocComments.Summary(writer, spec.Description, $"The <c>{spec.WireType}</c> event.");
        var sender = spec.Direction switch
        {
            EventDirection.Client => "Sent by the client",
            EventDirection.Both => "Sent by the client and echoed back by the server",
            _ => "Sent by the server",
        };
        var transient = spec.IsTransient ? "; transient (its <see cref=\"Event.Sequence\"/> is null)" : string.Empty;
        writer.WriteBlock($$"""
            /// <remarks>Wire type <c>{{DocComments.Escape(spec.WireType)}}</c>. {{sender}}{{transient}}.</remarks>
            /// <param name="Payload">The event's payload.</param>
            {{Headers.GeneratedCode}}
            public sealed partial record {{spec.Name}}(global::{{ns}}.{{spec.PayloadType}} Payload) : global::{{ns}}.Event
            {
                /// <summary>The wire discriminator, <c>{{DocComments.Escape(spec.WireType)}}</c>.</summary>
                public const string WireType = {{TypeSyntax.Literal(spec.WireType)}};

                /// <inheritdoc/>
                public override global::{{ns}}.EventType Type => global::{{ns}}.EventType.{{CaseName(spec.Name)}};

                /// <inheritdoc/>
                public override global::PolyChat.Protocol.EventDirection Direction => global::PolyChat.Protocol.EventDirection.{{DirectionName(spec.Direction)}};

                /// <inheritdoc/>
                public override bool IsTransient => {{(spec.IsTransient ? "true" : "false")}};

                internal override int Case => global::{{ns}}.EventJsonConverter.{{CaseName(spec.Name)}}Case;
            }
            """);
        return writer.ToString();
    }
}
