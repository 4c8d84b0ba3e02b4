using System;
using System.Text;

namespace PolyChat.Protocol.Generators.Helpers;

/// <summary>A minimal indented text writer for emitted C#; indentation must return to zero.</summary>
/// <remarks>
/// Emitters write code one way. Fixed code (doc comments, whole members, runs of statements, a case section)
/// is one raw-string template given to <see cref="WriteBlock"/>, its holes single expressions (a name, a type,
/// a literal, one statement). Code the model repeats or chooses is written by the method that decides it,
/// with <see cref="WriteLine(string)"/>, and the braces around it with <see cref="OpenBrace"/> and
/// <see cref="CloseBrace"/> in that same method. A template or line must close every brace it opens, so
/// only <see cref="OpenBrace"/> leaves one open: the writer refuses anything else as a generator bug.
/// </remarks>
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
        Append("{");
        Indent();
    }

    public void CloseBrace(string suffix = "")
    {
        Unindent();
        Append("}" + suffix);
    }

    public void WriteLine() => _builder.Append('\n');

    /// <summary>Writes one line at the current indentation.</summary>
    /// <exception cref="InvalidOperationException">The line opens or closes a brace it does not also close or open.</exception>
    public void WriteLine(string line)
    {
        EnsureBalanced(line);
        Append(line);
    }

    /// <summary>Writes a multi-line template, indenting each of its lines at the current level.</summary>
    /// <exception cref="InvalidOperationException">The template's braces do not balance.</exception>
    public void WriteBlock(string block)
    {
        EnsureBalanced(block);
        foreach (var line in block.Replace("\r\n", "\n").Split('\n'))
        {
            Append(line);
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

    private static void EnsureBalanced(string code)
    {
        if (BraceBalance.FindProblem(code) is { } problem)
        {
            // A generator bug, so no emitter catches it (the generator reports it as PCP099 and emits nothing):
            // a brace left open here would be closed by whoever writes next, tying the text to its caller.
            throw new InvalidOperationException($"Emitted code must balance its braces ({problem}); use OpenBrace/CloseBrace: {code}");
        }
    }

    private void Append(string line)
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
}
