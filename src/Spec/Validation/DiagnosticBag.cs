using NetForge.Spec.Graph;
using NetForge.Spec.Yaml;
using YamlDotNet.Core;

namespace NetForge.Spec.Validation;

/// <summary>
/// Collects diagnostics for one spec file. Every position is clamped to the file's real lines and
/// columns, so a diagnostic always points inside the file even when a parser mark runs past its end.
/// </summary>
internal sealed class DiagnosticBag
{
    private readonly List<SpecDiagnostic> _items = [];
    private readonly int[] _lineLengths;

    public DiagnosticBag(string file, string text)
    {
        File = file;
        var lines = SplitLines(text);
        _lineLengths = lines.Count == 0 ? [0] : [.. lines.Select(l => l.Length)];
    }

    public string File { get; }

    /// <summary>
    /// The file's lines as YAML counts them: breaks are CR LF, LF, CR, NEL, LS and PS; a final
    /// break does not start another line.
    /// </summary>
    public static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (ch is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029')
            {
                lines.Add(text[start..i]);
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                start = i + 1;
            }
        }

        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }

    public int Count => _items.Count;

    /// <summary>Number of lines in the file (at least 1); positions never exceed it.</summary>
    public int LineCount => _lineLengths.Length;

    public SourceLocation At(int line, int column)
    {
        line = Math.Clamp(line, 1, _lineLengths.Length);
        column = Math.Clamp(column, 1, _lineLengths[line - 1] + 1);
        return new SourceLocation(File, line, column);
    }

    public SourceLocation At(YNode node) => At(node.Line, node.Column);

    /// <summary>Diagnostics kept per file; past this the checker stops reporting (and says so once).</summary>
    public const int MaxDiagnostics = 200;

    public void Add(int line, int column, string? layer, string message, string? expected = null, string? got = null, string? hint = null)
    {
        if (_items.Count < MaxDiagnostics)
        {
            _items.Add(new SpecDiagnostic(At(line, column), layer, message, expected, got, hint));
        }
        else if (_items.Count == MaxDiagnostics)
        {
            _items.Add(new SpecDiagnostic(At(line, column), null, $"too many errors; stopped after {MaxDiagnostics}"));
        }
    }

    public void Add(Mark mark, string? layer, string message, string? expected = null, string? got = null, string? hint = null) =>
        Add((int)Math.Min(mark.Line, int.MaxValue), (int)Math.Min(mark.Column, int.MaxValue), layer, message, expected, got, hint);

    public void Add(YNode node, string? layer, string message, string? expected = null, string? got = null, string? hint = null) =>
        Add(node.Line, node.Column, layer, message, expected, got, hint);

    public void Add(SourceLocation at, string? layer, string message, string? expected = null, string? got = null, string? hint = null) =>
        Add(at.Line, at.Column, layer, message, expected, got, hint);

    /// <summary>All diagnostics in file order (stable for equal positions).</summary>
    public IReadOnlyList<SpecDiagnostic> ToList() =>
        [.. _items.Select((d, i) => (d, i)).OrderBy(x => x.d.Location.Line).ThenBy(x => x.d.Location.Column).ThenBy(x => x.i).Select(x => x.d)];
}
