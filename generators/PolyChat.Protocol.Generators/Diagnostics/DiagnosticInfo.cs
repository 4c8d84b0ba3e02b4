using System.Globalization;
using PolyChat.Protocol.Generators.Helpers;

namespace PolyChat.Protocol.Generators.Diagnostics;

/// <summary>A diagnostic as data: the id of its <see cref="SchemaDiagnostic"/>, its message arguments and where it points.</summary>
internal sealed record DiagnosticInfo(string Id, EquatableArray<string> Arguments, LocationInfo? Location)
{
    /// <summary>True when the diagnostic stops generation.</summary>
    public bool IsError => SchemaDiagnostics.Find(Id).IsError;

    /// <summary>The message with its arguments, as the compiler formats it.</summary>
    public string Message
    {
        get
        {
            var arguments = new object[Arguments.Count];
            for (var i = 0; i < arguments.Length; i++)
            {
                arguments[i] = Arguments[i];
            }

            return string.Format(CultureInfo.InvariantCulture, SchemaDiagnostics.Find(Id).MessageFormat, arguments);
        }
    }
}
