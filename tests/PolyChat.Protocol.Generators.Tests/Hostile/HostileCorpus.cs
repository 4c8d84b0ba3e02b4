using System;
using System.Globalization;
using CsCheck;
using Xunit;
using Xunit.Sdk;

namespace PolyChat.Protocol.Generators.Tests.Hostile;

/// <summary>
/// The hostile schemas: named probes of every edge, each with the outcome it must have, and random schemas with
/// names drawn from a hostile alphabet. Shared (linked) with polychat's tests, which check that schema diff reads
/// each exactly as the generator does.
/// </summary>
public static class HostileCorpus
{
    /// <summary>The variable that replaces <see cref="DefaultSeed"/>: a failure of a random schema prints the value that replays it.</summary>
    public const string SeedVariable = "POLYCHAT_HOSTILE_SEED";

    /// <summary>The seed random schemas are drawn from unless <see cref="SeedVariable"/> is set, so every run checks the same schemas.</summary>
    public const ulong DefaultSeed = 20260126;

    private const int Stream = 26;

    /// <summary>
    /// Every row states its outcome: <see cref="HostileOutcome.Compiles"/> (the output compiles as a net10.0
    /// consumer builds it, with the stated types and members) or <see cref="HostileOutcome.Refused"/> (exactly
    /// that diagnostic at that 1-based schema line and column, and nothing emitted). The outcomes are the
    /// generator's actual ones, not wishes: a row whose outcome looks wrong is a finding about the generator.
    /// </summary>
    public static TheoryData<string, HostileSchema, HostileOutcome> Named()
    {
        var data = new TheoryData<string, HostileSchema, HostileOutcome>();

        // What every record has (compiler-synthesised or object's), and what the generator itself adds.
        data.Add("property Equals", new HostileSchema(PropertyName: "Equals"), Compiles(property: "EqualsValue"));
        data.Add("property Equals (snake)", new HostileSchema(PropertyName: "equals"), Compiles(property: "EqualsValue"));
        data.Add("enum value Equals", new HostileSchema(EnumValue: "Equals"), Compiles(member: "EqualsValue"));
        data.Add("property GetHashCode", new HostileSchema(PropertyName: "GetHashCode"), Compiles(property: "GetHashCodeValue"));
        data.Add("property GetHashCode (snake)", new HostileSchema(PropertyName: "get_hash_code"), Compiles(property: "GetHashCodeValue"));
        data.Add("enum value GetHashCode", new HostileSchema(EnumValue: "GetHashCode"), Compiles(member: "GetHashCodeValue"));
        data.Add("property ToString", new HostileSchema(PropertyName: "ToString"), Compiles(property: "ToStringValue"));
        data.Add("property ToString (snake)", new HostileSchema(PropertyName: "to_string"), Compiles(property: "ToStringValue"));
        data.Add("enum value ToString", new HostileSchema(EnumValue: "ToString"), Compiles(member: "ToStringValue"));
        data.Add("property Clone", new HostileSchema(PropertyName: "Clone"), Compiles(property: "CloneValue"));
        data.Add("property Clone (snake)", new HostileSchema(PropertyName: "clone"), Compiles(property: "CloneValue"));
        data.Add("enum value Clone", new HostileSchema(EnumValue: "Clone"), Compiles(member: "Clone"));
        data.Add("property Deconstruct", new HostileSchema(PropertyName: "Deconstruct"), Compiles(property: "DeconstructValue"));
        data.Add("property Deconstruct (snake)", new HostileSchema(PropertyName: "deconstruct"), Compiles(property: "DeconstructValue"));
        data.Add("enum value Deconstruct", new HostileSchema(EnumValue: "Deconstruct"), Compiles(member: "Deconstruct"));
        data.Add("property EqualityContract", new HostileSchema(PropertyName: "EqualityContract"), Compiles(property: "EqualityContractValue"));
        data.Add("property EqualityContract (snake)", new HostileSchema(PropertyName: "equality_contract"), Compiles(property: "EqualityContractValue"));
        data.Add("enum value EqualityContract", new HostileSchema(EnumValue: "EqualityContract"), Compiles(member: "EqualityContract"));
        data.Add("property PrintMembers", new HostileSchema(PropertyName: "PrintMembers"), Compiles(property: "PrintMembersValue"));
        data.Add("property PrintMembers (snake)", new HostileSchema(PropertyName: "print_members"), Compiles(property: "PrintMembersValue"));
        data.Add("enum value PrintMembers", new HostileSchema(EnumValue: "PrintMembers"), Compiles(member: "PrintMembers"));
        data.Add("property GetType", new HostileSchema(PropertyName: "GetType"), Compiles(property: "GetTypeValue"));
        data.Add("property GetType (snake)", new HostileSchema(PropertyName: "get_type"), Compiles(property: "GetTypeValue"));
        data.Add("enum value GetType", new HostileSchema(EnumValue: "GetType"), Compiles(member: "GetTypeValue"));
        data.Add("property MemberwiseClone", new HostileSchema(PropertyName: "MemberwiseClone"), Compiles(property: "MemberwiseCloneValue"));
        data.Add("property MemberwiseClone (snake)", new HostileSchema(PropertyName: "memberwise_clone"), Compiles(property: "MemberwiseCloneValue"));
        data.Add("enum value MemberwiseClone", new HostileSchema(EnumValue: "MemberwiseClone"), Compiles(member: "MemberwiseCloneValue"));
        data.Add("property Finalize", new HostileSchema(PropertyName: "Finalize"), Compiles(property: "FinalizeValue"));
        data.Add("property Finalize (snake)", new HostileSchema(PropertyName: "finalize"), Compiles(property: "FinalizeValue"));
        data.Add("enum value Finalize", new HostileSchema(EnumValue: "Finalize"), Compiles(member: "FinalizeValue"));
        data.Add("property ReferenceEquals", new HostileSchema(PropertyName: "ReferenceEquals"), Compiles(property: "ReferenceEqualsValue"));
        data.Add("property ReferenceEquals (snake)", new HostileSchema(PropertyName: "reference_equals"), Compiles(property: "ReferenceEqualsValue"));
        data.Add("enum value ReferenceEquals", new HostileSchema(EnumValue: "ReferenceEquals"), Compiles(member: "ReferenceEqualsValue"));
        data.Add("property AdditionalProperties", new HostileSchema(PropertyName: "AdditionalProperties"), Compiles(property: "AdditionalPropertiesValue"));
        data.Add("property AdditionalProperties (snake)", new HostileSchema(PropertyName: "additional_properties"), Compiles(property: "AdditionalPropertiesValue"));
        data.Add("enum value AdditionalProperties", new HostileSchema(EnumValue: "AdditionalProperties"), Compiles(member: "AdditionalProperties"));
        data.Add("property Payload", new HostileSchema(PropertyName: "Payload"), Compiles(property: "Payload"));
        data.Add("property Payload (snake)", new HostileSchema(PropertyName: "payload"), Compiles(property: "Payload"));
        data.Add("enum value Payload", new HostileSchema(EnumValue: "Payload"), Compiles(member: "Payload"));
        data.Add("property Type", new HostileSchema(PropertyName: "Type"), Compiles(property: "Type"));
        data.Add("property Type (snake)", new HostileSchema(PropertyName: "type"), Compiles(property: "Type"));
        data.Add("enum value Type", new HostileSchema(EnumValue: "Type"), Compiles(member: "Type"));
        data.Add("property Id", new HostileSchema(PropertyName: "Id"), Compiles(property: "Id"));
        data.Add("property Id (snake)", new HostileSchema(PropertyName: "id"), Compiles(property: "Id"));
        data.Add("enum value Id", new HostileSchema(EnumValue: "Id"), Compiles(member: "Id"));
        data.Add("property Sequence", new HostileSchema(PropertyName: "Sequence"), Compiles(property: "Sequence"));
        data.Add("property Sequence (snake)", new HostileSchema(PropertyName: "sequence"), Compiles(property: "Sequence"));
        data.Add("enum value Sequence", new HostileSchema(EnumValue: "Sequence"), Compiles(member: "Sequence"));
        data.Add("property Timestamp", new HostileSchema(PropertyName: "Timestamp"), Compiles(property: "Timestamp"));
        data.Add("property Timestamp (snake)", new HostileSchema(PropertyName: "timestamp"), Compiles(property: "Timestamp"));
        data.Add("enum value Timestamp", new HostileSchema(EnumValue: "Timestamp"), Compiles(member: "Timestamp"));
        data.Add("property Metadata", new HostileSchema(PropertyName: "Metadata"), Compiles(property: "Metadata"));
        data.Add("property Metadata (snake)", new HostileSchema(PropertyName: "metadata"), Compiles(property: "Metadata"));
        data.Add("enum value Metadata", new HostileSchema(EnumValue: "Metadata"), Compiles(member: "Metadata"));
        data.Add("property IsTransient", new HostileSchema(PropertyName: "IsTransient"), Compiles(property: "IsTransient"));
        data.Add("property IsTransient (snake)", new HostileSchema(PropertyName: "is_transient"), Compiles(property: "IsTransient"));
        data.Add("enum value IsTransient", new HostileSchema(EnumValue: "IsTransient"), Compiles(member: "IsTransient"));
        data.Add("property IsKnown", new HostileSchema(PropertyName: "IsKnown"), Compiles(property: "IsKnown"));
        data.Add("property IsKnown (snake)", new HostileSchema(PropertyName: "is_known"), Compiles(property: "IsKnown"));
        data.Add("enum value IsKnown", new HostileSchema(EnumValue: "IsKnown"), Compiles(member: "IsKnownValue"));
        data.Add("property Value", new HostileSchema(PropertyName: "Value"), Compiles(property: "Value"));
        data.Add("property Value (snake)", new HostileSchema(PropertyName: "value"), Compiles(property: "Value"));
        data.Add("enum value Value", new HostileSchema(EnumValue: "Value"), Compiles(member: "ValueValue"));
        data.Add("property SamplePayload", new HostileSchema(PropertyName: "SamplePayload"), Compiles(property: "SamplePayloadValue"));
        data.Add("property SamplePayload (snake)", new HostileSchema(PropertyName: "sample_payload"), Compiles(property: "SamplePayloadValue"));
        data.Add("enum value SamplePayload", new HostileSchema(EnumValue: "SamplePayload"), Compiles(member: "SamplePayload"));
        data.Add("property WireType", new HostileSchema(PropertyName: "WireType"), Compiles(property: "WireType"));
        data.Add("property WireType (snake)", new HostileSchema(PropertyName: "wire_type"), Compiles(property: "WireType"));
        data.Add("enum value WireType", new HostileSchema(EnumValue: "WireType"), Compiles(member: "WireType"));

        // Names that collide with each other once PascalCased.
        data.Add("speed_kmh and speedKmh", new HostileSchema(PropertyName: "speed_kmh", SecondPropertyName: "speedKmh"), Compiles(property: "SpeedKmh", second: "SpeedKmh2"));
        data.Add("speedKmh and SpeedKmh", new HostileSchema(PropertyName: "speedKmh", SecondPropertyName: "SpeedKmh"), Compiles(property: "SpeedKmh", second: "SpeedKmh2"));
        data.Add("a-b and a_b", new HostileSchema(PropertyName: "a-b", SecondPropertyName: "a_b"), Compiles(property: "AB", second: "AB2"));
        data.Add("enum values b and B", new HostileSchema(EnumValue: "b"), Compiles(member: "B", secondMember: "B2").Warning("PCP015", 16, 17));

        // Names that are not identifiers.
        data.Add("property ''", new HostileSchema(PropertyName: ""), Compiles(property: "Property1"));
        data.Add("enum value ''", new HostileSchema(EnumValue: ""), Compiles(member: "ValueValue"));
        data.Add("wire type ''", new HostileSchema(WireType: ""), Refused("PCP007", 5, 20));
        data.Add("property ' '", new HostileSchema(PropertyName: " "), Compiles(property: "Property1"));
        data.Add("enum value ' '", new HostileSchema(EnumValue: " "), Compiles(member: "ValueValue"));
        data.Add("wire type ' '", new HostileSchema(WireType: " "), Compiles());
        data.Add("property '1abc'", new HostileSchema(PropertyName: "1abc"), Compiles(property: "_1abc"));
        data.Add("enum value '1abc'", new HostileSchema(EnumValue: "1abc"), Compiles(member: "_1abc"));
        data.Add("wire type '1abc'", new HostileSchema(WireType: "1abc"), Compiles());
        data.Add("property '42'", new HostileSchema(PropertyName: "42"), Compiles(property: "_42"));
        data.Add("enum value '42'", new HostileSchema(EnumValue: "42"), Compiles(member: "_42"));
        data.Add("wire type '42'", new HostileSchema(WireType: "42"), Compiles());
        data.Add("property 'a b'", new HostileSchema(PropertyName: "a b"), Compiles(property: "AB"));
        data.Add("enum value 'a b'", new HostileSchema(EnumValue: "a b"), Compiles(member: "AB"));
        data.Add("wire type 'a b'", new HostileSchema(WireType: "a b"), Compiles());
        data.Add("property 'a-b'", new HostileSchema(PropertyName: "a-b"), Compiles(property: "AB"));
        data.Add("enum value 'a-b'", new HostileSchema(EnumValue: "a-b"), Compiles(member: "AB"));
        data.Add("wire type 'a-b'", new HostileSchema(WireType: "a-b"), Compiles());
        data.Add("property 'class'", new HostileSchema(PropertyName: "class"), Compiles(property: "Class"));
        data.Add("enum value 'class'", new HostileSchema(EnumValue: "class"), Compiles(member: "Class"));
        data.Add("wire type 'class'", new HostileSchema(WireType: "class"), Compiles());
        data.Add("property '@x'", new HostileSchema(PropertyName: "@x"), Compiles());
        data.Add("enum value '@x'", new HostileSchema(EnumValue: "@x"), Compiles(member: "X"));
        data.Add("wire type '@x'", new HostileSchema(WireType: "@x"), Compiles());
        data.Add("property '_'", new HostileSchema(PropertyName: "_"), Compiles(property: "Property1"));
        data.Add("enum value '_'", new HostileSchema(EnumValue: "_"), Compiles(member: "ValueValue"));
        data.Add("wire type '_'", new HostileSchema(WireType: "_"), Compiles());
        data.Add("property '__'", new HostileSchema(PropertyName: "__"), Compiles(property: "Property1"));
        data.Add("enum value '__'", new HostileSchema(EnumValue: "__"), Compiles(member: "ValueValue"));
        data.Add("wire type '__'", new HostileSchema(WireType: "__"), Compiles());
        data.Add("property 'é'", new HostileSchema(PropertyName: "é"), Compiles(property: "Property1"));
        data.Add("enum value 'é'", new HostileSchema(EnumValue: "é"), Compiles(member: "ValueValue"));
        data.Add("wire type 'é'", new HostileSchema(WireType: "é"), Compiles());
        data.Add("property 'a\"b'", new HostileSchema(PropertyName: "a\"b"), Compiles(property: "AB"));
        data.Add("enum value 'a\"b'", new HostileSchema(EnumValue: "a\"b"), Compiles(member: "AB"));
        data.Add("wire type 'a\"b'", new HostileSchema(WireType: "a\"b"), Compiles());
        data.Add("property 'x\ny'", new HostileSchema(PropertyName: "x\ny"), Compiles(property: "XY"));
        data.Add("enum value 'x\ny'", new HostileSchema(EnumValue: "x\ny"), Compiles(member: "XY"));
        data.Add("wire type 'x\ny'", new HostileSchema(WireType: "x\ny"), Compiles());
        data.Add("property '<$>'", new HostileSchema(PropertyName: "<$>"), Compiles(property: "Property1"));
        data.Add("enum value '<$>'", new HostileSchema(EnumValue: "<$>"), Compiles(member: "ValueValue"));
        data.Add("wire type '<$>'", new HostileSchema(WireType: "<$>"), Compiles());
        data.Add("property '*/'", new HostileSchema(PropertyName: "*/"), Compiles(property: "Property1"));
        data.Add("enum value '*/'", new HostileSchema(EnumValue: "*/"), Compiles(member: "ValueValue"));
        data.Add("wire type '*/'", new HostileSchema(WireType: "*/"), Compiles());
        data.Add("property '\u2028'", new HostileSchema(PropertyName: "\u2028"), Compiles(property: "Property1"));
        data.Add("enum value '\u2028'", new HostileSchema(EnumValue: "\u2028"), Compiles(member: "ValueValue"));
        data.Add("wire type '\u2028'", new HostileSchema(WireType: "\u2028"), Compiles());

        // Event (definition) names: the generator's own types, keywords, BCL names.
        data.Add("event Event", new HostileSchema(EventName: "Event"), Refused("PCP006", 3, 14));
        data.Add("event EventType", new HostileSchema(EventName: "EventType"), Refused("PCP006", 3, 14));
        data.Add("event UnknownEvent", new HostileSchema(EventName: "UnknownEvent"), Refused("PCP006", 3, 14));
        data.Add("event EventJsonConverter", new HostileSchema(EventName: "EventJsonConverter"), Refused("PCP006", 3, 14));
        data.Add("event EventJsonHelpers", new HostileSchema(EventName: "EventJsonHelpers"), Compiles(eventType: "EventJsonHelpers"));
        data.Add("event HostileJsonContext", new HostileSchema(EventName: "HostileJsonContext"), Compiles(eventType: "HostileJsonContext"));
        data.Add("event SamplePayloadJsonConverter", new HostileSchema(EventName: "SamplePayloadJsonConverter"), Refused("PCP006", 3, 14));
        data.Add("event Object", new HostileSchema(EventName: "Object"), Compiles(eventType: "Object"));
        data.Add("event String", new HostileSchema(EventName: "String"), Compiles(eventType: "String"));
        data.Add("event System", new HostileSchema(EventName: "System"), Compiles(eventType: "System"));
        data.Add("event Global", new HostileSchema(EventName: "Global"), Compiles(eventType: "Global"));
        data.Add("event Sample", new HostileSchema(EventName: "Sample"), Compiles(eventType: "Sample"));
        data.Add("event class", new HostileSchema(EventName: "class"), Refused("PCP005", 5, 5));
        data.Add("event 1Event", new HostileSchema(EventName: "1Event"), Refused("PCP005", 5, 5));
        data.Add("event Event Name", new HostileSchema(EventName: "Event Name"), Refused("PCP005", 5, 5));

        // Lower-case ASCII names are C#'s for keywords (CS8981, warning wave 7; record, file, required and scoped outright):
        // the type takes an upper-case first letter, the definition name stays as written. Found by the random schemas.
        data.Add("event a", new HostileSchema(EventName: "a"), Compiles(eventType: "A"));
        data.Add("event sample", new HostileSchema(EventName: "sample"), Compiles(eventType: "Sample"));
        data.Add("event record", new HostileSchema(EventName: "record"), Compiles(eventType: "Record"));
        data.Add("event file", new HostileSchema(EventName: "file"), Compiles(eventType: "File"));
        data.Add("event required", new HostileSchema(EventName: "required"), Compiles(eventType: "Required"));
        data.Add("event scoped", new HostileSchema(EventName: "scoped"), Compiles(eventType: "Scoped"));
        data.Add("event sampleEvent", new HostileSchema(EventName: "sampleEvent"), Compiles(eventType: "sampleEvent"));
        data.Add("event event", new HostileSchema(EventName: "event"), Refused("PCP005", 5, 5));
        data.Add("event unknownevent", new HostileSchema(EventName: "unknownevent"), Compiles(eventType: "Unknownevent"));
        data.Add("event payload", new HostileSchema(EventName: "payload"), Refused("PCP016", 5, 5));
        data.Add("event tostring", new HostileSchema(EventName: "tostring"), Compiles(eventType: "Tostring"));

        // Text that reaches string literals and doc comments.
        data.Add("description */ evil /*", new HostileSchema(Description: "*/ evil /*"), Compiles());
        data.Add("wire type */ evil /*", new HostileSchema(WireType: "*/ evil /*"), Compiles());
        data.Add("enum value */ evil /*", new HostileSchema(EnumValue: "*/ evil /*"), Compiles(member: "Evil"));
        data.Add("property */ evil /*", new HostileSchema(PropertyName: "*/ evil /*"), Compiles(property: "Evil"));
        data.Add("description </summary><b>", new HostileSchema(Description: "</summary><b>"), Compiles());
        data.Add("wire type </summary><b>", new HostileSchema(WireType: "</summary><b>"), Compiles());
        data.Add("enum value </summary><b>", new HostileSchema(EnumValue: "</summary><b>"), Compiles(member: "SummaryB"));
        data.Add("property </summary><b>", new HostileSchema(PropertyName: "</summary><b>"), Compiles(property: "SummaryB"));
        data.Add("description line\\u000Aline", new HostileSchema(Description: "line\nline"), Compiles());
        data.Add("wire type line\\u000Aline", new HostileSchema(WireType: "line\nline"), Compiles());
        data.Add("enum value line\\u000Aline", new HostileSchema(EnumValue: "line\nline"), Compiles(member: "LineLine"));
        data.Add("property line\\u000Aline", new HostileSchema(PropertyName: "line\nline"), Compiles(property: "LineLine"));
        data.Add("description cr\\u000Dcr", new HostileSchema(Description: "cr\rcr"), Compiles());
        data.Add("wire type cr\\u000Dcr", new HostileSchema(WireType: "cr\rcr"), Compiles());
        data.Add("enum value cr\\u000Dcr", new HostileSchema(EnumValue: "cr\rcr"), Compiles(member: "CrCr"));
        data.Add("property cr\\u000Dcr", new HostileSchema(PropertyName: "cr\rcr"), Compiles(property: "CrCr"));
        data.Add("description quote\"", new HostileSchema(Description: "quote\""), Compiles());
        data.Add("wire type quote\"", new HostileSchema(WireType: "quote\""), Compiles());
        data.Add("enum value quote\"", new HostileSchema(EnumValue: "quote\""), Compiles(member: "Quote"));
        data.Add("property quote\"", new HostileSchema(PropertyName: "quote\""), Compiles(property: "Quote"));
        data.Add("description back\\slash", new HostileSchema(Description: "back\\slash"), Compiles());
        data.Add("wire type back\\slash", new HostileSchema(WireType: "back\\slash"), Compiles());
        data.Add("enum value back\\slash", new HostileSchema(EnumValue: "back\\slash"), Compiles(member: "BackSlash"));
        data.Add("property back\\slash", new HostileSchema(PropertyName: "back\\slash"), Compiles(property: "BackSlash"));
        data.Add("description \\u0000nul", new HostileSchema(Description: "\0nul"), Compiles());
        data.Add("wire type \\u0000nul", new HostileSchema(WireType: "\0nul"), Compiles());
        data.Add("enum value \\u0000nul", new HostileSchema(EnumValue: "\0nul"), Compiles(member: "Nul"));
        data.Add("property \\u0000nul", new HostileSchema(PropertyName: "\0nul"), Compiles(property: "Nul"));
        data.Add("description \\u0001ctl", new HostileSchema(Description: "\u0001ctl"), Compiles());
        data.Add("wire type \\u0001ctl", new HostileSchema(WireType: "\u0001ctl"), Compiles());
        data.Add("enum value \\u0001ctl", new HostileSchema(EnumValue: "\u0001ctl"), Compiles(member: "Ctl"));
        data.Add("property \\u0001ctl", new HostileSchema(PropertyName: "\u0001ctl"), Compiles(property: "Ctl"));
        data.Add("description a & b < c > d", new HostileSchema(Description: "a & b < c > d"), Compiles());
        data.Add("wire type a & b < c > d", new HostileSchema(WireType: "a & b < c > d"), Compiles());
        data.Add("enum value a & b < c > d", new HostileSchema(EnumValue: "a & b < c > d"), Compiles(member: "ABCD"));
        data.Add("property a & b < c > d", new HostileSchema(PropertyName: "a & b < c > d"), Compiles(property: "ABCD"));
        data.Add("description <![CDATA[x]]>", new HostileSchema(Description: "<![CDATA[x]]>"), Compiles());
        data.Add("wire type <![CDATA[x]]>", new HostileSchema(WireType: "<![CDATA[x]]>"), Compiles());
        data.Add("enum value <![CDATA[x]]>", new HostileSchema(EnumValue: "<![CDATA[x]]>"), Compiles(member: "CdataX"));
        data.Add("property <![CDATA[x]]>", new HostileSchema(PropertyName: "<![CDATA[x]]>"), Compiles(property: "CdataX"));
        data.Add("description --> <!--", new HostileSchema(Description: "--> <!--"), Compiles());
        data.Add("wire type --> <!--", new HostileSchema(WireType: "--> <!--"), Compiles());
        data.Add("enum value --> <!--", new HostileSchema(EnumValue: "--> <!--"), Compiles(member: "ValueValue"));
        data.Add("property --> <!--", new HostileSchema(PropertyName: "--> <!--"), Compiles(property: "Property1"));
        data.Add("description \\u2028ls\\u2029ps", new HostileSchema(Description: "\u2028ls\u2029ps"), Compiles());
        data.Add("wire type \\u2028ls\\u2029ps", new HostileSchema(WireType: "\u2028ls\u2029ps"), Compiles());
        data.Add("enum value \\u2028ls\\u2029ps", new HostileSchema(EnumValue: "\u2028ls\u2029ps"), Compiles(member: "LsPs"));
        data.Add("property \\u2028ls\\u2029ps", new HostileSchema(PropertyName: "\u2028ls\u2029ps"), Compiles(property: "LsPs"));
        data.Add("description \\u0085nel", new HostileSchema(Description: "\u0085nel"), Compiles());
        data.Add("wire type \\u0085nel", new HostileSchema(WireType: "\u0085nel"), Compiles());
        data.Add("enum value \\u0085nel", new HostileSchema(EnumValue: "\u0085nel"), Compiles(member: "Nel"));
        data.Add("property \\u0085nel", new HostileSchema(PropertyName: "\u0085nel"), Compiles(property: "Nel"));
        data.Add("description /// <summary>", new HostileSchema(Description: "/// <summary>"), Compiles());
        data.Add("wire type /// <summary>", new HostileSchema(WireType: "/// <summary>"), Compiles());
        data.Add("enum value /// <summary>", new HostileSchema(EnumValue: "/// <summary>"), Compiles(member: "Summary"));
        data.Add("property /// <summary>", new HostileSchema(PropertyName: "/// <summary>"), Compiles(property: "Summary"));
        data.Add("description \\u0009", new HostileSchema(Description: "\t"), Compiles());
        data.Add("wire type \\u0009", new HostileSchema(WireType: "\t"), Compiles());
        data.Add("enum value \\u0009", new HostileSchema(EnumValue: "\t"), Compiles(member: "ValueValue"));
        data.Add("property \\u0009", new HostileSchema(PropertyName: "\t"), Compiles(property: "Property1"));

        return data;
    }

    /// <summary>Random schemas with names drawn from a hostile alphabet: keywords, digits, punctuation, quotes, line breaks.</summary>
    public static Gen<HostileSchema> Random
    {
        get
        {
            var alphabet = Gen.OneOf(
                Gen.Char["abcxyzABCXYZ0189"],
                Gen.Char["_- .\"\\\n\r\t\0*/<>&@$é\u2028"]);
            var word = Gen.OneOf(
                Gen.String[alphabet, 0, 12],
                Gen.Int[0, 9].Select(i => Keywords[i]));
            return Gen.Select(word, word, word, word, word, word, (e, w, p, q, v, d) =>
                new HostileSchema(EventName: e.Length == 0 ? "E" : e, WireType: w, PropertyName: p, SecondPropertyName: q, EnumValue: v, Description: d));
        }
    }

    /// <summary>The seed in use: <see cref="SeedVariable"/> (decimal) when set, otherwise <see cref="DefaultSeed"/>.</summary>
    public static ulong Seed
    {
        get
        {
            var text = Environment.GetEnvironmentVariable(SeedVariable);
            return string.IsNullOrWhiteSpace(text) ? DefaultSeed : ulong.Parse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// Runs <paramref name="check"/> on <paramref name="iter"/> random schemas drawn from <see cref="Seed"/>. Each schema
    /// has its own seed, drawn from the one before, so the run is the same every time; a failure names the failing
    /// schema's seed, and setting <see cref="SeedVariable"/> to it replays that schema first, then the ones after it.
    /// </summary>
    public static void Sample(Action<HostileSchema> check, int iter)
    {
        var seed = Seed;
        for (var i = 0; i < iter; i++)
        {
            var pcg = new PCG(Stream, seed);
            var schema = Random.Generate(pcg, null, out _);
            try
            {
                check(schema);
            }
            catch (Exception failure)
            {
                throw new XunitException(
                    $"Random hostile schema {i + 1} of {iter} failed; replay it with {SeedVariable}={seed.ToString(CultureInfo.InvariantCulture)}\n{schema.ToJson()}\n{failure.Message}",
                    failure);
            }

            seed = pcg.Next64();
        }
    }

    private static readonly string[] Keywords = { "class", "Equals", "ToString", "Value", "IsKnown", "Payload", "Type", "Event", "Clone", "AdditionalProperties" };

    private static HostileOutcome Compiles(
        string eventType = "SampleEvent", string property = "X", string second = "Y", string member = "A", string secondMember = "B") =>
        HostileOutcome.Compiles(eventType, property, second, member, secondMember);

    private static HostileOutcome Refused(string id, int line, int column) => HostileOutcome.Refused(id, line, column);
}

/// <summary>
/// What the generator does with one hostile schema, compiled as a net10.0 consumer compiles it (warnings as errors).
/// Compiles: no diagnostic (or, with <see cref="Warning"/>, exactly that warning), and the output has the event record
/// <see cref="EventType"/>, the payload record SamplePayload with the schema's properties named <see cref="Property"/>,
/// <see cref="SecondProperty"/> and Kind, and the open enum SamplePayloadKind with members <see cref="Member"/> and
/// <see cref="SecondMember"/>. Refused: exactly the diagnostic <see cref="DiagnosticId"/> at <see cref="Line"/>:<see cref="Column"/>
/// (1-based, in the schema file) and no generated source.
/// </summary>
public sealed record HostileOutcome(
    string? DiagnosticId,
    int Line,
    int Column,
    bool Emits,
    string EventType,
    string Property,
    string SecondProperty,
    string Member,
    string SecondMember)
{
    public static HostileOutcome Compiles(string eventType, string property, string second, string member, string secondMember) =>
        new(null, 0, 0, Emits: true, eventType, property, second, member, secondMember);

    public static HostileOutcome Refused(string id, int line, int column) =>
        new(id, line, column, Emits: false, "", "", "", "", "");

    /// <summary>The output still compiles, but the generator reports this warning (an error where warnings are errors).</summary>
    public HostileOutcome Warning(string id, int line, int column) => this with { DiagnosticId = id, Line = line, Column = column };

    /// <summary>The diagnostic as the tests print it: <c>PCP006 at 3:14</c>.</summary>
    public string? Diagnostic => DiagnosticId is null ? null : $"{DiagnosticId} at {Line}:{Column}";

    public override string ToString() => (Emits ? $"compiles to {EventType}({Property}, {SecondProperty}; {Member}, {SecondMember})" : "refused")
        + (DiagnosticId is null ? "" : $" with {Diagnostic}");
}
