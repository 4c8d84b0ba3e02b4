namespace PolyChat.Protocol.Generators.Diagnostics;

/// <summary>A position in a schema file (1-based line and column), kept as plain data so models stay equatable.</summary>
internal sealed record LocationInfo(string FilePath, int Offset, int Length, int Line, int Column);
