using System;
using System.Text;

namespace PolyChat.Protocol.Generators.Helpers;

/// <summary>A minimal indented text writer for emitted C#; indentation must return to zero.</summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _builder = new(capacity: 4096);
    private int _indent;

    public void Indent() => _indent++;

    public void Unindent()
    {
        if (_indent == 0)
        {
            throw new InvalidOperationException("Unbalanced indentation in emitted source.");
        }

        _indent--;
    }

    public void OpenBrace()
    {
        WriteLine("{");
        Indent();
    }

    public void CloseBrace(string suffix = "")
    {
        Unindent();
        WriteLine("}" + suffix);
    }

    public void WriteLine() => _builder.Append('\n');

    public void WriteLine(string line)
    {
        if (line.Length == 0)
        {
            _builder.Append('\n');
            return;
        }

        for (var i = 0; i < _indent; i++)
        {
            _builder.Append(IndentUnit);
        }

        _builder.Append(line).Append('\n');
    }

    /// <summary>Writes a multi-line block, indenting each of its lines at the current level.</summary>
    public void WriteBlock(string block)
    {
        foreach (var line in block.Replace("\r\n", "\n").Split('\n'))
        {
            WriteLine(line);
        }
    }

    public override string ToString()
    {
        if (_indent != 0)
        {
            throw new InvalidOperationException("Emitted source ended with open indentation.");
        }

        return _builder.ToString();
    }
}
