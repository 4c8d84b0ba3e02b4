using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PolyChat.Storage.Tests.PostgreSql;

/// <summary>A fact that needs the PostgreSQL server: skipped, with the reason, when <see cref="PostgresServer"/> cannot run one.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// Marks a test class whose inherited facts (<see cref="StoreFactAttribute"/>) need the PostgreSQL server: a contract
/// written once for every store cannot carry <see cref="PostgresFactAttribute"/> on its methods.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NeedsPostgresAttribute : Attribute
{
}

/// <summary>Marks a test class whose facts (<see cref="StoreFactAttribute"/>) pause and resume processes with Unix signals: skipped on Windows.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NeedsUnixSignalsAttribute : Attribute
{
}

/// <summary>A fact of a test class that may need the PostgreSQL server (<see cref="NeedsPostgresAttribute"/>): skipped when that class does and it is not available.</summary>
[XunitTestCaseDiscoverer("PolyChat.Storage.Tests.PostgreSql.StoreFactDiscoverer", "PolyChat.Storage.Tests")]
public sealed class StoreFactAttribute : FactAttribute
{
}

/// <summary>Discovers a <see cref="StoreFactAttribute"/> fact, as skipped when its class needs what this machine does not have.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var type = testMethod.TestClass.Class;
        var reason = type.GetCustomAttributes(typeof(NeedsPostgresAttribute)).Any() ? PostgresServer.UnavailableReason : null;
        if (reason is null && OperatingSystem.IsWindows() && type.GetCustomAttributes(typeof(NeedsUnixSignalsAttribute)).Any())
        {
            reason = "The test pauses a process with SIGSTOP, which Windows does not have.";
        }

        if (reason is not null)
        {
            return [new SkippedTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)];
        }

        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}

/// <summary>A test case reported as skipped with a reason decided at discovery.</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    private string _reason = string.Empty;

    [Obsolete("Called by the de-serializer only.")]
    public SkippedTestCase()
    {
    }

    public SkippedTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, string reason)
        : base(sink, display, options, method) => _reason = reason;

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("SkipReason", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("SkipReason");
        base.Deserialize(data);
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;
}
