using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;

namespace PolyChat.Protocol.Generators.Tests;

/// <summary>
/// The incremental pipeline caches by value, so its models may hold only value-equatable data:
/// no compiler objects (which root whole compilations) and no plain arrays (compared by reference).
/// </summary>
public sealed class ModelPurityTests
{
    private static readonly Type[] Banned =
    {
        typeof(ISymbol), typeof(Compilation), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location),
        typeof(SemanticModel), typeof(AdditionalText),
    };

    public static TheoryData<string> ModelTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(EventSchemaGenerator).Assembly.GetTypes()
                     .Where(t => t.Namespace is "PolyChat.Protocol.Generators.Model" or "PolyChat.Protocol.Generators.Emit"
                         && t.Name.EndsWith("Model", StringComparison.Ordinal) || t.Name.EndsWith("Spec", StringComparison.Ordinal)
                         || t.Name is "ParseResult" or "SchemaInput" or "EventCase" or "DiagnosticInfo" or "LocationInfo"))
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModelTypes))]
    public void ModelHoldsOnlyEquatableData(string typeName)
    {
        var type = typeof(EventSchemaGenerator).Assembly.GetType(typeName)!;
        Assert.True(typeof(IEquatable<>).MakeGenericType(type).IsAssignableFrom(type) || type.IsEnum, $"{type.Name} is not IEquatable<{type.Name}>.");
        Check(type, new HashSet<Type>());
    }

    [Fact]
    public void AllPipelineModelsAreCovered() =>
        Assert.True(ModelTypes().Count >= 12, "The model list lost types; the filter above is wrong.");

    private static void Check(Type type, HashSet<Type> seen)
    {
        if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string))
        {
            return;
        }

        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            var fieldType = Nullable.GetUnderlyingType(field.FieldType) ?? field.FieldType;
            Assert.False(Banned.Any(b => b.IsAssignableFrom(fieldType)), $"{type.Name}.{field.Name} holds a compiler object ({fieldType.Name}).");
            if (fieldType.IsArray)
            {
                Assert.True(type.Name.StartsWith("EquatableArray", StringComparison.Ordinal), $"{type.Name}.{field.Name} is a plain array; use EquatableArray.");
                Check(fieldType.GetElementType()!, seen);
                continue;
            }

            if (fieldType.Assembly == typeof(EventSchemaGenerator).Assembly)
            {
                Check(fieldType, seen);
            }

            foreach (var argument in fieldType.IsGenericType ? fieldType.GetGenericArguments() : Type.EmptyTypes)
            {
                Check(argument, seen);
            }
        }
    }
}
