namespace NetForge.Spec.Graph;

/// <summary>A 1-based position in a spec file. <see cref="None"/> for values that came from defaults.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public static readonly SourceLocation None = new("", 0, 0);
    public bool IsKnown => Line > 0;
    public override string ToString() => $"{File}:{Line}:{Column}";
}
