using System;
using System.Collections.Generic;
using System.Linq;

namespace PolyChat.Cli.Schema;

/// <summary>
/// Compares two schemas and lists every change with its rule and whom it breaks: C# code written against the
/// old generated types, an old reader given a new writer's frames, a new reader given an old writer's frames.
/// Unknown data is kept by every generated reader (unknown events, properties and enum values), which is why
/// additions are safe on the wire.
/// </summary>
internal static class SchemaDiff
{
    public static IReadOnlyList<SchemaChange> Compare(SchemaSurface before, SchemaSurface after)
    {
        var changes = new List<SchemaChange>();
        CompareEvents(before, after, changes);
        CompareShapes(before, after, changes);
        CompareEnums(before, after, changes);
        return changes;
    }

    private static void CompareEvents(SchemaSurface before, SchemaSurface after, List<SchemaChange> changes)
    {
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var old in before.Events.Values.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (after.Events.TryGetValue(old.Name, out var current))
            {
                matched.Add(current.Name);
                CompareEvent(before, after, old, current, changes);
                continue;
            }

            var renamed = after.Events.Values.FirstOrDefault(e => e.WireType == old.WireType);
            if (renamed is not null)
            {
                matched.Add(renamed.Name);
                changes.Add(new(SchemaRule.EventRenamed, renamed.Path, $"'{old.WireType}' is now the record '{renamed.Name}', was '{old.Name}'", Compatibility.CSharp));
                continue;
            }

            changes.Add(new(SchemaRule.EventRemoved, old.Path, $"the event '{old.Name}' ('{old.WireType}') was removed", Compatibility.CSharp));
        }

        foreach (var added in after.Events.Values.Where(e => !matched.Contains(e.Name)).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            changes.Add(new(SchemaRule.EventAdded, added.Path, $"the event '{added.Name}' ('{added.WireType}') was added", Compatibility.None));
        }
    }

    private static void CompareEvent(SchemaSurface before, SchemaSurface after, EventSurface old, EventSurface current, List<SchemaChange> changes)
    {
        if (old.WireType != current.WireType)
        {
            changes.Add(new(SchemaRule.EventTypeChanged, current.Path + ".properties.type.const",
                $"'{current.Name}' is sent as '{current.WireType}', was '{old.WireType}'", Compatibility.OldReader | Compatibility.NewReader));
        }

        if (old.IsTransient != current.IsTransient)
        {
            // A transient event has no sequence: a reader that expects one to order it by, or none, is wrong.
            changes.Add(new(SchemaRule.EventTransientChanged, current.Path + ".x-transient",
                current.IsTransient ? $"'{current.Name}' became transient (no sequence)" : $"'{current.Name}' is no longer transient (now has a sequence)",
                current.IsTransient ? Compatibility.OldReader : Compatibility.NewReader));
        }

        if (old.Direction != current.Direction)
        {
            changes.Add(new(SchemaRule.EventDirectionChanged, current.Path + ".x-direction",
                $"'{current.Name}' is sent by the {current.Direction}, was the {old.Direction}", Compatibility.OldReader | Compatibility.NewReader));
        }

        if (old.Payload != current.Payload)
        {
            changes.Add(new(SchemaRule.EventPayloadChanged, current.Path + ".properties.payload",
                $"the payload of '{current.Name}' is '{current.Payload}', was '{old.Payload}'", Compatibility.CSharp));

            // The wire does not see type names: what matters is how the two payloads' properties differ.
            if (before.Shapes.TryGetValue(old.Payload, out var oldPayload) && after.Shapes.TryGetValue(current.Payload, out var newPayload))
            {
                CompareProperties(oldPayload, newPayload, changes);
            }
        }
    }

    private static void CompareShapes(SchemaSurface before, SchemaSurface after, List<SchemaChange> changes)
    {
        foreach (var old in before.Shapes.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (after.Shapes.TryGetValue(old.Name, out var current))
            {
                CompareProperties(old, current, changes);
            }
            else
            {
                changes.Add(new(SchemaRule.ShapeRemoved, old.Path, $"the record '{old.Name}' was removed", Compatibility.CSharp));
            }
        }

        foreach (var added in after.Shapes.Values.Where(s => !before.Shapes.ContainsKey(s.Name)).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            changes.Add(new(SchemaRule.ShapeAdded, added.Path, $"the record '{added.Name}' was added", Compatibility.None));
        }
    }

    private static void CompareProperties(ShapeSurface before, ShapeSurface after, List<SchemaChange> changes)
    {
        var oldByName = before.Properties.ToDictionary(p => p.JsonName, StringComparer.Ordinal);
        var newByName = after.Properties.ToDictionary(p => p.JsonName, StringComparer.Ordinal);
        var removed = before.Properties.Where(p => !newByName.ContainsKey(p.JsonName)).ToList();
        var added = after.Properties.Where(p => !oldByName.ContainsKey(p.JsonName)).ToList();

        // A JSON rename that keeps the C# name and type: C# code is untouched, but each side drops the other's value.
        foreach (var old in removed.ToList())
        {
            var renamed = added.FirstOrDefault(p => p.ClrName == old.ClrName && p.Type == old.Type);
            if (renamed is not null)
            {
                removed.Remove(old);
                added.Remove(renamed);
                changes.Add(new(SchemaRule.PropertyWireNameChanged, renamed.Path,
                    $"'{after.Name}.{renamed.ClrName}' is sent as '{renamed.JsonName}', was '{old.JsonName}'", Compatibility.OldReader | Compatibility.NewReader));
            }
        }

        foreach (var old in removed)
        {
            changes.Add(new(SchemaRule.PropertyRemoved, old.Path, $"'{before.Name}.{old.JsonName}' was removed",
                Compatibility.CSharp | (old.IsRequired ? Compatibility.OldReader : Compatibility.None)));
        }

        foreach (var current in added)
        {
            changes.Add(current.IsRequired
                ? new(SchemaRule.PropertyAddedRequired, current.Path, $"'{after.Name}.{current.JsonName}' was added as required", Compatibility.CSharp | Compatibility.NewReader)
                : new(SchemaRule.PropertyAddedOptional, current.Path, $"'{after.Name}.{current.JsonName}' was added as optional", Compatibility.None));
        }

        foreach (var current in after.Properties.Where(p => oldByName.ContainsKey(p.JsonName)))
        {
            CompareProperty(after.Name, oldByName[current.JsonName], current, changes);
        }
    }

    /// <summary>
    /// Whether a generated reader of the wire type <paramref name="reader"/> reads every value a writer of
    /// <paramref name="writer"/> sends, and writes it back unchanged: <c>json</c> (a <c>JsonElement</c>) keeps anything;
    /// <c>string</c> and open enums keep any string (an unknown enum value is kept); a format (<c>string:uuid</c>…) keeps
    /// only its own. Anything else (<c>integer</c> and <c>number</c> included: 2^53 + 1 and 1.5) does not, conservatively.
    /// </summary>
    private static bool Keeps(string reader, string writer) =>
        reader == writer
        || reader == "json"
        || ((reader == "string" || reader.StartsWith("enum:", StringComparison.Ordinal)) && IsString(writer));

    private static bool IsString(string type) =>
        type == "string" || type.StartsWith("string:", StringComparison.Ordinal) || type.StartsWith("enum:", StringComparison.Ordinal);

    private static void CompareProperty(string shape, PropertySurface old, PropertySurface current, List<SchemaChange> changes)
    {
        var name = $"'{shape}.{current.JsonName}'";
        if (old.Type != current.Type)
        {
            // Breaks only the readers whose type does not keep every value of the other side's type. The requiredness
            // and nullability checks below still apply: a widened type that also became required breaks new readers.
            changes.Add(new(SchemaRule.PropertyTypeChanged, current.Path, $"{name} is {current.Type}, was {old.Type}",
                Compatibility.CSharp
                | (Keeps(old.Type, current.Type) ? Compatibility.None : Compatibility.OldReader)
                | (Keeps(current.Type, old.Type) ? Compatibility.None : Compatibility.NewReader)));
        }
        else if (old.ClrName != current.ClrName)
        {
            changes.Add(new(SchemaRule.PropertyClrNameChanged, current.Path, $"{name} is the C# property '{current.ClrName}', was '{old.ClrName}'", Compatibility.CSharp));
        }

        // In C# a property is nullable unless it is required and does not allow null.
        var wasNullable = old.IsNullable;
        var isNullable = current.IsNullable;
        if (!old.IsRequired && current.IsRequired)
        {
            changes.Add(new(SchemaRule.PropertyBecameRequired, current.Path, $"{name} became required", Compatibility.CSharp | Compatibility.NewReader));
        }
        else if (old.IsRequired && !current.IsRequired)
        {
            changes.Add(new(SchemaRule.PropertyBecameOptional, current.Path, $"{name} became optional",
                (wasNullable == isNullable ? Compatibility.None : Compatibility.CSharp) | Compatibility.OldReader));
        }
        else if (old.IsRequired && wasNullable != isNullable)
        {
            // Both required: the C# type is nullable exactly when the schema allows null.
            changes.Add(isNullable
                ? new(SchemaRule.PropertyBecameNullable, current.Path, $"{name} may now be null", Compatibility.CSharp | Compatibility.OldReader)
                : new(SchemaRule.PropertyBecameNonNullable, current.Path, $"{name} may no longer be null", Compatibility.CSharp | Compatibility.NewReader));
        }
    }

    private static void CompareEnums(SchemaSurface before, SchemaSurface after, List<SchemaChange> changes)
    {
        foreach (var old in before.Enums.Values.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (!after.Enums.TryGetValue(old.Name, out var current))
            {
                changes.Add(new(SchemaRule.EnumRemoved, old.Path, $"the enum '{old.Name}' was removed", Compatibility.CSharp));
                continue;
            }

            var newValues = current.Values.ToDictionary(v => v.WireValue, StringComparer.Ordinal);
            var oldValues = old.Values.ToDictionary(v => v.WireValue, StringComparer.Ordinal);
            foreach (var value in old.Values)
            {
                if (!newValues.TryGetValue(value.WireValue, out var kept))
                {
                    changes.Add(new(SchemaRule.EnumValueRemoved, old.Path + ".enum", $"'{old.Name}' no longer lists '{value.WireValue}'", Compatibility.CSharp));
                }
                else if (kept.ClrName != value.ClrName)
                {
                    changes.Add(new(SchemaRule.EnumMemberRenamed, current.Path + ".enum",
                        $"'{value.WireValue}' is '{current.Name}.{kept.ClrName}', was '{value.ClrName}'", Compatibility.CSharp));
                }
            }

            foreach (var value in current.Values.Where(v => !oldValues.ContainsKey(v.WireValue)))
            {
                changes.Add(new(SchemaRule.EnumValueAdded, current.Path + ".enum", $"'{current.Name}' lists '{value.WireValue}'", Compatibility.None));
            }
        }

        foreach (var added in after.Enums.Values.Where(e => !before.Enums.ContainsKey(e.Name)).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            changes.Add(new(SchemaRule.EnumAdded, added.Path, $"the enum '{added.Name}' was added", Compatibility.None));
        }
    }
}
