using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Xunit;

namespace PolyChat.Orleans.Tests;

/// <summary>
/// The package's own public API is documented: PolyChat.Orleans builds without CS1591, because Orleans' generated
/// public codecs (namespace OrleansCodeGen) carry no docs and the compiler cannot skip them alone; this checks instead.
/// </summary>
public sealed class DocumentationTests
{
    [Fact]
    public void EveryPublicTypeAndMemberOfThePackageHasItsXmlSummary()
    {
        var assembly = typeof(IChatGrain).Assembly;
        var file = Path.ChangeExtension(assembly.Location, ".xml");
        var documented = XDocument.Load(file).Descendants("member")
            .Where(m => !string.IsNullOrWhiteSpace(m.Value))
            .Select(m => (string)m.Attribute("name")!)
            .ToList();

        var missing = assembly.GetExportedTypes().Where(t => t.Namespace == "PolyChat.Orleans")
            .SelectMany(t => Required(t))
            .Where(id => !documented.Any(d => d == id || d.StartsWith(id + "(", StringComparison.Ordinal)))
            .ToList();

        Assert.True(missing.Count == 0, "Undocumented: " + string.Join(", ", missing));
        Assert.Contains("T:PolyChat.Orleans.IChatGrain", documented);
    }

    private static System.Collections.Generic.IEnumerable<string> Required(Type type)
    {
        const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var name = type.FullName!;
        yield return "T:" + name;
        foreach (var member in type.GetMembers(Declared).Where(m => m.GetCustomAttribute<CompilerGeneratedAttribute>() is null))
        {
            switch (member)
            {
                case ConstructorInfo constructor when constructor.GetParameters().Length > 0:
                    // A parameterless one may be the compiler's implicit constructor, which CS1591 does not ask docs for either.
                    yield return $"M:{name}.#ctor";
                    break;
                case MethodInfo { IsSpecialName: false } method:
                    yield return $"M:{name}.{method.Name}";
                    break;
                case PropertyInfo property:
                    yield return $"P:{name}.{property.Name}";
                    break;
                case FieldInfo { IsSpecialName: false } field:
                    yield return $"F:{name}.{field.Name}";
                    break;
            }
        }
    }
}
