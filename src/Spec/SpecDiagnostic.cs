using NetForge.Spec.Graph;

namespace NetForge.Spec;

/// <summary>
/// One problem found in a spec. Renders as
/// <c>specs/x.yaml:LINE:COL: error: &lt;layer&gt;: &lt;message&gt;, expected &lt;...&gt;, got &lt;...&gt;</c>
/// followed by <c>  hint: ...</c> when the fix is known.
/// </summary>
public sealed record SpecDiagnostic(
    SourceLocation Location,
    string? Layer,
    string Message,
    string? Expected = null,
    string? Got = null,
    string? Hint = null)
{
    public override string ToString()
    {
        var text = $"{Location}: error: ";
        if (!string.IsNullOrEmpty(Layer)) text += Layer + ": ";
        text += Message;
        if (Expected is not null) text += ", expected " + Expected;
        if (Got is not null) text += ", got " + Got;
        if (Hint is not null) text += Environment.NewLine + "  hint: " + Hint;
        return text;
    }
}

/// <summary>The only exception the spec compiler throws for bad input; carries every diagnostic found.</summary>
public sealed class SpecException : Exception
{
    public SpecException(IReadOnlyList<SpecDiagnostic> diagnostics)
        : base(string.Join(Environment.NewLine, diagnostics))
    {
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<SpecDiagnostic> Diagnostics { get; }
}
