using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace PolyChat.Cli.Tests;

/// <summary>
/// <c>polychat schema diff</c>: one pair of schemas per rule (schema/README.md, "Schema evolution"), each
/// checked for its rule id, its JSON path and whom it breaks, plus the exit codes.
/// </summary>
public sealed class SchemaDiffTests : IDisposable
{
    internal const string Base = """
        {
          "x-namespace": "Shop",
          "oneOf": [ { "$ref": "#/$defs/OrderPlacedEvent" }, { "$ref": "#/$defs/PingEvent" } ],
          "$defs": {
            "OrderPlacedEvent": { "properties": { "type": { "const": "ORDER_PLACED" }, "payload": { "$ref": "#/$defs/OrderPlacedPayload" } } },
            "OrderPlacedPayload": {
              "type": "object",
              "required": [ "order_id", "total", "customer" ],
              "properties": {
                "order_id": { "type": "string" },
                "total": { "type": "number" },
                "customer": { "type": [ "string", "null" ] },
                "note": { "type": "string" },
                "status": { "$ref": "#/$defs/Status" }
              }
            },
            "PingEvent": { "x-transient": true, "properties": { "type": { "const": "PING" }, "payload": { "$ref": "#/$defs/PingPayload" } } },
            "PingPayload": { "type": "object", "properties": {} },
            "Address": { "type": "object", "properties": { "line": { "type": "string" } } },
            "Status": { "type": "string", "enum": [ "STATUS_OPEN", "STATUS_CLOSED" ] }
          }
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("schema-diff-").FullName;

    public static TheoryData<string, string, string, string> Rules() => new()
    {
        { "PCS001", "add event", "safe", "$.$defs.RefundedEvent" },
        { "PCS002", "remove event", "breaking(csharp)", "$.$defs.PingEvent" },
        { "PCS003", "rename event", "breaking(csharp)", "$.$defs.OrderCreatedEvent" },
        { "PCS004", "change wire type", "breaking(wire:old-reader,wire:new-reader)", "$.$defs.OrderPlacedEvent.properties.type.const" },
        { "PCS005", "make transient", "breaking(wire:old-reader)", "$.$defs.OrderPlacedEvent.x-transient" },
        { "PCS005", "make sequenced", "breaking(wire:new-reader)", "$.$defs.PingEvent.x-transient" },
        { "PCS006", "change direction", "breaking(wire:old-reader,wire:new-reader)", "$.$defs.PingEvent.x-direction" },
        { "PCS007", "change payload", "breaking(csharp)", "$.$defs.PingEvent.properties.payload" },
        { "PCS010", "add shape", "safe", "$.$defs.Coupon" },
        { "PCS011", "remove shape", "breaking(csharp)", "$.$defs.Address" },
        { "PCS012", "add optional property", "safe", "$.$defs.OrderPlacedPayload.properties.gift" },
        { "PCS013", "add required property", "breaking(csharp,wire:new-reader)", "$.$defs.OrderPlacedPayload.properties.currency" },
        { "PCS014", "remove optional property", "breaking(csharp)", "$.$defs.OrderPlacedPayload.properties.note" },
        { "PCS014", "remove required property", "breaking(csharp,wire:old-reader)", "$.$defs.OrderPlacedPayload.properties.total" },
        { "PCS015", "change property type", "breaking(csharp,wire:old-reader,wire:new-reader)", "$.$defs.OrderPlacedPayload.properties.total" },
        { "PCS015", "change enum property to string", "breaking(csharp)", "$.$defs.OrderPlacedPayload.properties.status" },
        { "PCS015", "change string property to enum", "breaking(csharp)", "$.$defs.OrderPlacedPayload.properties.note" },
        { "PCS015", "add format to string property", "breaking(csharp,wire:new-reader)", "$.$defs.OrderPlacedPayload.properties.note" },
        { "PCS015", "change property to any JSON", "breaking(csharp,wire:old-reader)", "$.$defs.OrderPlacedPayload.properties.total" },
        { "PCS016", "make property required", "breaking(csharp,wire:new-reader)", "$.$defs.OrderPlacedPayload.properties.note" },
        { "PCS016", "change string property to enum and make it required", "breaking(csharp,wire:new-reader)", "$.$defs.OrderPlacedPayload.properties.note" },
        { "PCS017", "make property optional", "breaking(csharp,wire:old-reader)", "$.$defs.OrderPlacedPayload.properties.total" },
        { "PCS017", "make nullable property optional", "breaking(wire:old-reader)", "$.$defs.OrderPlacedPayload.properties.customer" },
        { "PCS018", "allow null", "breaking(csharp,wire:old-reader)", "$.$defs.OrderPlacedPayload.properties.order_id" },
        { "PCS019", "forbid null", "breaking(csharp,wire:new-reader)", "$.$defs.OrderPlacedPayload.properties.customer" },
        { "PCS020", "shift C# name", "breaking(csharp)", "$.$defs.OrderPlacedPayload.properties.note" },
        { "PCS021", "rename JSON name, same C# name", "breaking(wire:old-reader,wire:new-reader)", "$.$defs.OrderPlacedPayload.properties.NOTE" },
        { "PCS030", "add enum", "safe", "$.$defs.Color" },
        { "PCS031", "remove enum", "breaking(csharp)", "$.$defs.Status" },
        { "PCS032", "add enum value", "safe", "$.$defs.Status.enum" },
        { "PCS033", "remove enum value", "breaking(csharp)", "$.$defs.Status.enum" },
        { "PCS034", "rename enum member", "breaking(csharp)", "$.$defs.Status.enum" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_reports_its_id_class_and_path(string rule, string change, string expectedClass, string path)
    {
        var after = JsonNode.Parse(Base)!.AsObject();
        Apply(change, after);

        var result = Diff(Base, after.ToJsonString());

        var line = Assert.Single(result.StdoutLines, l => l.StartsWith(rule + " ", StringComparison.Ordinal) && l.Contains(" " + path + ":", StringComparison.Ordinal));
        Assert.Equal(expectedClass, line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        // The exit code from the table, not from the tool's own output: 4 when the change breaks anyone, else 0.
        Assert.Equal(expectedClass.StartsWith("breaking(", StringComparison.Ordinal) ? 4 : 0, result.ExitCode);
    }

    [Fact]
    public void The_same_schema_has_no_changes()
    {
        var result = Diff(Base, Base);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.StdoutLines);
        Assert.Contains("0 change(s), 0 breaking", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_catalogue_has_no_changes_against_itself()
    {
        var catalogue = Path.Combine(CliResult.Repository, "schema", "polychat.events.schema.json");

        var result = CliResult.Run("", "schema", "diff", catalogue, catalogue);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.StdoutLines);
    }

    /// <summary>
    /// The generator reads an inline payload as the record <c>&lt;Name minus "Event"&gt;Payload</c>: written inline or
    /// as a <c>$ref</c> to a definition of that name, the generated C# is the same, and so is the wire.
    /// </summary>
    [Fact]
    public void A_payload_written_inline_instead_of_as_a_ref_is_no_change()
    {
        var catalogue = File.ReadAllText(Path.Combine(CliResult.Repository, "schema", "polychat.events.schema.json"));
        var inline = JsonNode.Parse(catalogue)!.AsObject();
        var defs = inline["$defs"]!.AsObject();
        var payload = defs["UserMessagePayload"]!.DeepClone();
        defs.Remove("UserMessagePayload");
        defs["UserMessageEvent"]!["properties"]!["payload"] = payload;

        var result = Diff(catalogue, inline.ToJsonString());

        Assert.True(result.StdoutLines.Length == 0, string.Join("\n", result.StdoutLines));
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Only_safe_changes_exit_zero()
    {
        var after = JsonNode.Parse(Base)!.AsObject();
        Apply("add optional property", after);
        Apply("add enum value", after);

        var result = Diff(Base, after.ToJsonString());

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, result.StdoutLines.Length);
        Assert.All(result.StdoutLines, line => Assert.Equal("safe", line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
    }

    [Fact]
    public void An_accepted_breaking_change_is_marked_and_does_not_fail()
    {
        var after = JsonNode.Parse(Base)!.AsObject();
        Apply("make property optional", after);
        var accept = Write("accepted.txt", "# total is optional on purpose: PROTOCOL.md does not guarantee it\nPCS017   $.$defs.OrderPlacedPayload.properties.total\n");

        var result = CliResult.Run("", "schema", "diff", Write("old.json", Base), Write("new.json", after.ToJsonString()), "--accept", accept);

        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith("[accepted]", Assert.Single(result.StdoutLines), StringComparison.Ordinal);
        Assert.Contains("0 breaking, 1 accepted", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_that_is_not_JSON_is_reported_with_its_file_and_exit_1()
    {
        var broken = Write("broken.json", "{ \"oneOf\": [ }");

        var result = CliResult.Run("", "schema", "diff", broken, Write("new.json", Base));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("broken.json", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_usage_error()
    {
        var result = CliResult.Run("", "schema", "diff", Path.Combine(_directory, "absent.json"), Write("new.json", Base));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("absent.json", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private CliResult Diff(string before, string after) =>
        CliResult.Run("", "schema", "diff", Write("old.json", before), Write("new.json", after));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    internal static void Apply(string change, JsonObject schema)
    {
        var defs = schema["$defs"]!.AsObject();
        var oneOf = schema["oneOf"]!.AsArray();
        var order = defs["OrderPlacedPayload"]!.AsObject();
        var properties = order["properties"]!.AsObject();
        var required = order["required"]!.AsArray();
        switch (change)
        {
            case "add event":
                oneOf.Add(Ref("RefundedEvent"));
                defs["RefundedEvent"] = Event("REFUNDED", "PingPayload");
                break;
            case "remove event":
                oneOf.RemoveAt(1);
                defs.Remove("PingEvent");
                break;
            case "rename event":
                oneOf[0] = Ref("OrderCreatedEvent");
                defs["OrderCreatedEvent"] = defs["OrderPlacedEvent"]!.DeepClone();
                defs.Remove("OrderPlacedEvent");
                break;
            case "change wire type":
                defs["OrderPlacedEvent"]!["properties"]!["type"]!["const"] = "ORDER_CREATED";
                break;
            case "make transient":
                defs["OrderPlacedEvent"]!["x-transient"] = true;
                break;
            case "make sequenced":
                defs["PingEvent"]!["x-transient"] = false;
                break;
            case "change direction":
                defs["PingEvent"]!["x-direction"] = "client";
                break;
            case "change payload":
                defs["PingEvent"]!["properties"]!["payload"] = Ref("Address");
                break;
            case "add shape":
                defs["Coupon"] = JsonNode.Parse("""{ "type": "object", "properties": { "code": { "type": "string" } } }""");
                break;
            case "remove shape":
                defs.Remove("Address");
                break;
            case "add optional property":
                properties["gift"] = JsonNode.Parse("""{ "type": "boolean" }""");
                break;
            case "add required property":
                properties["currency"] = JsonNode.Parse("""{ "type": "string" }""");
                required.Add("currency");
                break;
            case "remove optional property":
                properties.Remove("note");
                break;
            case "remove required property":
                properties.Remove("total");
                required.RemoveAt(1);
                break;
            case "change property type":
                properties["total"] = JsonNode.Parse("""{ "type": "string" }""");
                break;
            case "change enum property to string":
                properties["status"] = JsonNode.Parse("""{ "type": "string" }""");
                break;
            case "change string property to enum":
                properties["note"] = Ref("Status");
                break;
            case "change string property to enum and make it required":
                properties["note"] = Ref("Status");
                required.Add("note");
                break;
            case "add format to string property":
                properties["note"] = JsonNode.Parse("""{ "type": "string", "format": "uuid" }""");
                break;
            case "change property to any JSON":
                properties["total"] = new JsonObject();
                break;
            case "make property required":
                required.Add("note");
                break;
            case "make property optional":
                required.RemoveAt(1);
                break;
            case "make nullable property optional":
                required.RemoveAt(2);
                break;
            case "allow null":
                properties["order_id"] = JsonNode.Parse("""{ "type": [ "string", "null" ] }""");
                break;
            case "forbid null":
                properties["customer"] = JsonNode.Parse("""{ "type": "string" }""");
                break;
            case "shift C# name":
                // A new "Note" declared first takes the C# name Note; "note" becomes Note2.
                order["properties"] = Reordered(properties, ("Note", JsonNode.Parse("""{ "type": "string" }""")!));
                break;
            case "rename JSON name, same C# name":
                order["properties"] = Renamed(properties, "note", "NOTE");
                break;
            case "add enum":
                defs["Color"] = JsonNode.Parse("""{ "type": "string", "enum": [ "RED" ] }""");
                break;
            case "remove enum":
                defs.Remove("Status");
                properties.Remove("status");
                break;
            case "add enum value":
                defs["Status"]!["enum"]!.AsArray().Add("STATUS_PENDING");
                break;
            case "remove enum value":
                defs["Status"]!["enum"]!.AsArray().RemoveAt(1);
                break;
            case "rename enum member":
                defs["Status"]!["x-enum-names"] = JsonNode.Parse("""[ "Opened", "Closed" ]""");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, "no such change");
        }
    }

    private static JsonObject Ref(string name) => new() { ["$ref"] = "#/$defs/" + name };

    private static JsonObject Event(string wireType, string payload) =>
        new() { ["properties"] = new JsonObject { ["type"] = new JsonObject { ["const"] = wireType }, ["payload"] = Ref(payload) } };

    private static JsonObject Reordered(JsonObject properties, (string Name, JsonNode Node) first)
    {
        var result = new JsonObject { [first.Name] = first.Node };
        foreach (var (name, node) in properties)
        {
            result[name] = node!.DeepClone();
        }

        return result;
    }

    private static JsonObject Renamed(JsonObject properties, string from, string to)
    {
        var result = new JsonObject();
        foreach (var (name, node) in properties)
        {
            result[name == from ? to : name] = node!.DeepClone();
        }

        return result;
    }
}
