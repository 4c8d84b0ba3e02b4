using System;
using System.Collections;
using System.Collections.Generic;
using System.Reflection;
using System.Text.Json;
using PolyChat.Protocol.Events;

namespace PolyChat.Protocol.Tests.Support;

/// <summary>Walks the typed object graph of an event (records, lists, open enums), for whole-model assertions.</summary>
internal static class ModelWalker
{
    /// <summary>Calls <paramref name="visit"/> with a C#-style path for every generated object and value reachable from <paramref name="root"/>.</summary>
    public static void Walk(object root, Action<string, object> visit) => Walk(root, "event", visit);

    /// <summary>Every non-empty <c>AdditionalProperties</c> map in the graph, with its path.</summary>
    public static List<string> NonEmptyAdditionalProperties(Event root)
    {
        var found = new List<string>();
        Walk(root, (path, value) =>
        {
            var property = value.GetType().GetProperty("AdditionalProperties");
            if (property?.GetValue(value) is IReadOnlyDictionary<string, JsonElement> { Count: > 0 } extra)
            {
                found.Add($"{path}.AdditionalProperties[{string.Join(", ", extra.Keys)}]");
            }
        });
        return found;
    }

    /// <summary>Every open-enum value in the graph whose <c>IsKnown</c> is false, with its path.</summary>
    public static List<string> UnknownEnumValues(Event root)
    {
        var found = new List<string>();
        Walk(root, (path, value) =>
        {
            var type = value.GetType();
            if (type.IsValueType && type.GetProperty("IsKnown")?.GetValue(value) is false)
            {
                found.Add($"{path} = {value}");
            }
        });
        return found;
    }

    private static void Walk(object value, string path, Action<string, object> visit)
    {
        visit(path, value);
        var type = value.GetType();
        if (type.Namespace != typeof(Event).Namespace || type.IsValueType)
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name is "AdditionalProperties" or "EqualityContract")
            {
                continue;
            }

            var child = property.GetValue(value);
            if (child is null or string or JsonElement)
            {
                continue;
            }

            if (child is IEnumerable items and not IDictionary and not IReadOnlyDictionary<string, string>)
            {
                var index = 0;
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        Walk(item, $"{path}.{property.Name}[{index}]", visit);
                    }

                    index++;
                }

                continue;
            }

            Walk(child, $"{path}.{property.Name}", visit);
        }
    }
}
