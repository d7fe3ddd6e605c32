namespace NetForge.Spec.Yaml;

/// <summary>
/// A parsed YAML node with its 1-based start position. The spec compiler works on this small
/// data-only tree (scalars, mappings, sequences) rather than on YamlDotNet's object model, so tags,
/// anchors and aliases can never reach it.
/// </summary>
internal abstract class YNode(int line, int column)
{
    public int Line { get; } = line;
    public int Column { get; } = column;

    /// <summary>A short description of the node for "got ..." in diagnostics.</summary>
    public abstract string Describe();
}

internal sealed class YScalar(int line, int column, string value, bool plain) : YNode(line, column)
{
    public string Value { get; } = value;

    /// <summary>True for an unquoted scalar; only plain scalars can be numbers, booleans or null.</summary>
    public bool Plain { get; } = plain;

    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe()
    {
        if (IsNull) return "null";
        var v = Value.Length > 40 ? Value[..40] + "..." : Value;
        return "\"" + v.Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
    }
}

internal sealed class YMap(int line, int column) : YNode(line, column)
{
    public List<KeyValuePair<YScalar, YNode>> Entries { get; } = [];

    public override string Describe() => "a mapping";
}

internal sealed class YSeq(int line, int column) : YNode(line, column)
{
    public List<YNode> Items { get; } = [];

    public override string Describe() => "a list";
}
