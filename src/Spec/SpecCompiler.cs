using NetForge.Spec.Graph;

namespace NetForge.Spec;

/// <summary>Result of checking a spec: the graph when valid, and every diagnostic found.</summary>
public sealed record SpecCheckResult(ModelGraph? Graph, IReadOnlyList<SpecDiagnostic> Diagnostics)
{
    public bool Ok => Graph is not null && Diagnostics.Count == 0;
}

/// <summary>Entry points of the spec language: YAML text → validated, shape-inferred <see cref="ModelGraph"/>.</summary>
public static partial class SpecCompiler
{
    // CONTRACT (implemented in this project):
    //   public static SpecCheckResult Check(string yamlText, string fileName);   // never throws for bad input
    //   public static ModelGraph Compile(string yamlText, string fileName);      // throws SpecException
    //   public static ModelGraph Load(string path);                              // reads the file; unreadable → SpecException
    //   public static string ToResolvedYaml(ModelGraph graph);                   // every default filled in; re-compiles to an equal graph
}
