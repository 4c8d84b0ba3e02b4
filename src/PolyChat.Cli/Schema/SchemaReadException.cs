using System;

namespace PolyChat.Cli.Schema;

/// <summary>A schema file could not be read as an event schema; <see cref="Path"/> says where.</summary>
internal sealed class SchemaReadException : Exception
{
    public SchemaReadException(string message, string path)
        : base($"{path}: {message}") => Path = path;

    public SchemaReadException()
    {
        Path = "$";
    }

    public SchemaReadException(string message)
        : base(message) => Path = "$";

    public SchemaReadException(string message, Exception innerException)
        : base(message, innerException) => Path = "$";

    /// <summary>The JSON path of the problem.</summary>
    public string Path { get; }
}
